"""The organisation's own chat model, as a LangChain chat model: the only module that imports a provider.

`LLM_PROVIDER` picks LangChain's chat model class: `openai` (any OpenAI-compatible endpoint:
vLLM, llama.cpp's server, LM Studio, OpenAI itself) via `LLM_BASE_URL`, `azure-openai`
(`LLM_BASE_URL` is the resource URL, `LLM_MODEL` the deployment) or `ollama`. Retries are
off: a refused or rate-limited request falls back to the quoted answer at once instead of
keeping the asker waiting.
"""

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from bot.errors import ConfigError

MAX_ANSWER_TOKENS = 600  # the prompt asks for four sentences; this bounds a model that rambles


@dataclass(frozen=True)
class LLMConfig:
    """What it takes to reach the chat model (built from Settings at the edge)."""

    provider: str  # "openai", "azure-openai" or "ollama"
    model: str
    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 15.0
    api_version: str = "2024-10-21"


def make_chat_model(config: LLMConfig) -> BaseChatModel:
    """Return LangChain's chat model for `config`; temperature 0, no retries, the timeout set.

    >>> make_chat_model(LLMConfig("openai", "m", "http://127.0.0.1:1/v1")).model_name
    'm'
    """
    if config.provider == "openai":
        from langchain_openai import ChatOpenAI

        # OpenAI itself takes `max_completion_tokens`; the servers behind LLM_BASE_URL
        # (llama.cpp, older vLLM and Ollama) read only the classic `max_tokens`.
        limit: dict[str, object] = (
            {"extra_body": {"max_tokens": MAX_ANSWER_TOKENS}} if config.base_url
            else {"max_completion_tokens": MAX_ANSWER_TOKENS}
        )
        return ChatOpenAI(
            model=config.model, base_url=config.base_url, api_key=config.api_key or "ingen-nyckel",
            timeout=config.timeout, max_retries=0, temperature=0, streaming=True, **limit,
        )
    if config.provider == "azure-openai":
        from langchain_openai import AzureChatOpenAI

        return AzureChatOpenAI(
            azure_endpoint=config.base_url, azure_deployment=config.model, api_version=config.api_version,
            api_key=config.api_key, timeout=config.timeout, max_retries=0, temperature=0, streaming=True,
            max_completion_tokens=MAX_ANSWER_TOKENS,
        )
    if config.provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=config.model, base_url=config.base_url, temperature=0, num_predict=MAX_ANSWER_TOKENS,
            client_kwargs={"timeout": config.timeout},
        )
    raise ConfigError(f"LLM_PROVIDER={config.provider} känns inte igen (openai, azure-openai, ollama)")
