"""The LLM settings as a user meets them: one clear line for a bad setting, and `bot ask` /
`bot eval` in generated mode against an OpenAI-compatible endpoint (the stand-in)."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.answer.generated import NOTICES
from bot.answer.llm import LLMConfig, make_chat_model
from bot.cli import app
from bot.evaluation.llm_standin import LLMStandIn
from tests.core_fixtures import KNOWLEDGE, shared_real_kb
from tests.llm_fakes import longest_sentence, passages_of


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every command from an empty folder, so no stray .env or data/ is picked up."""
    monkeypatch.chdir(tmp_path)


def bot(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, args, env=env)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"LLM_PROVIDER": "openai"}, "LLM_MODEL krävs när LLM_PROVIDER=openai"),
        ({"LLM_PROVIDER": "azure-openai", "LLM_MODEL": "gpt"}, "kräver LLM_BASE_URL och LLM_API_KEY"),
        ({"LLM_PROVIDER": "openai", "LLM_MODEL": "m", "LLM_TIMEOUT_SECONDS": "40"},
         "LLM_TIMEOUT_SECONDS måste vara kortare än ANSWER_TIMEOUT_SECONDS"),
        ({"LLM_PROVIDER": "gpt"}, "Felaktig inställning LLM_PROVIDER"),
        ({"LLM_TIMEOUT_SECONDS": "snabbt"}, "Felaktig inställning LLM_TIMEOUT_SECONDS"),
    ],
)
def test_a_bad_llm_setting_is_one_clear_line(env: dict[str, str], says: str) -> None:
    result = bot(["ask", "Vad är en APT?"], env)
    assert result.exit_code == 2
    assert says in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("config", "kind"),
    [
        (LLMConfig("openai", "m", "http://127.0.0.1:9/v1"), "ChatOpenAI"),
        (LLMConfig("azure-openai", "gpt-4o", "https://x.openai.azure.com", "key"), "AzureChatOpenAI"),
        (LLMConfig("ollama", "llama3.1", "http://127.0.0.1:11434"), "ChatOllama"),
    ],
)
def test_each_provider_gets_langchains_chat_model_with_the_timeout(config: LLMConfig, kind: str) -> None:
    model = make_chat_model(config)
    assert type(model).__name__ == kind
    timeout = getattr(model, "request_timeout", None) or getattr(model, "client_kwargs", {}).get("timeout")
    assert timeout == config.timeout


def faithful(body: dict[str, object]) -> str:
    messages = body["messages"]
    assert isinstance(messages, list)
    return f"{longest_sentence(passages_of(str(messages[-1]['content']))[1])} [1]."


@pytest.fixture
def llm_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], LLMStandIn]]:
    kb = shared_real_kb(tmp_path_factory)
    with LLMStandIn(reply=faithful) as llm:
        yield {"KNOWLEDGE_DIR": str(KNOWLEDGE), "CHROMA_PATH": str(kb.settings.chroma_path),
               "LLM_PROVIDER": "openai", "LLM_MODEL": "standin", "LLM_BASE_URL": llm.base_url,
               "LLM_TIMEOUT_SECONDS": "3"}, llm


@pytest.mark.slow
def test_ask_answers_with_the_llm_and_falls_back_when_it_fails(
    llm_env: tuple[dict[str, str], LLMStandIn]
) -> None:
    env, llm = llm_env
    written = bot(["ask", "Hur många steg har Respekttrappan?", "--json"], env)
    assert written.exit_code == 0, written.output
    assert json.loads(written.stdout)["notice"] is None and len(llm.requests) == 1

    llm.fault = "500"
    quoted = bot(["ask", "Hur många steg har Respekttrappan?", "--json"], env)
    assert quoted.exit_code == 0, quoted.output
    assert json.loads(quoted.stdout)["notice"] == NOTICES["sv"]["unavailable"]


@pytest.mark.slow
def test_eval_in_generated_mode_reports_validity_and_fallbacks(
    llm_env: tuple[dict[str, str], LLMStandIn], tmp_path: Path
) -> None:
    env, llm = llm_env
    questions = tmp_path / "q.jsonl"
    rows = [{"id": "steps", "question": "Hur många steg har Respekttrappan?", "expected_sources": ["respekttrappan"],
             "must_include": [], "answerable": True},
            {"id": "lex", "question": "Vad är Lex Heller?", "expected_sources": ["lex-heller"],
             "must_include": [], "answerable": True}]
    questions.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    llm.reply = lambda body: "Det finns 12 steg [1]." if "Fråga: Hur många steg" in json.dumps(
        body, ensure_ascii=False) else faithful(body)

    result = bot(["eval", "--questions", str(questions), "--json"], env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["generated_share"] == 0.5 and report["fallback_rate"] == 0.5
    assert report["llm_citation_validity"] == 0.5  # one of two cited sentences held up …
    assert report["citation_validity"] == 1.0  # … and only that one was shown
