"""Domain exceptions; the CLI and the Slack shell translate them at the edge.

HPError
 ├── IndexMissing          the vector index has not been built (`bot index` first)
 ├── KnowledgeFileError    one file in knowledge/ could not be read (the rest still are)
 ├── EmbeddingError        the embedding backend could not be loaded or failed
 ├── ConfigError           a configuration file (e.g. schedules.yaml) is invalid
 ├── IndexUnavailable      Chroma is unreachable or failed (`bot index` would not help)
 ├── DatabaseUnavailable   the database (DATABASE_URL) cannot be reached or opened
 └── SlackUnavailable      Slack refused the bot's credentials or could not be reached at start
"""


class HPError(Exception):
    """Base class of HP-assistenten's own errors."""


class IndexMissing(HPError):
    """The index is empty or absent."""

    def __init__(self, message: str = "Indexet saknas: kör `bot index` först.") -> None:
        super().__init__(message)


class KnowledgeFileError(HPError):
    """A knowledge file is unreadable or malformed."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path, self.reason, self.line = path, reason, line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class EmbeddingError(HPError):
    """The embedding model could not be loaded or used."""


class ConfigError(HPError):
    """A configuration file is invalid; the message names the entry and field."""


class IndexUnavailable(HPError):
    """Chroma could not be reached or failed; the message names the server (or folder)."""

    def __init__(self, where: str, reason: str, hint: str = "") -> None:
        self.where, self.reason = where, reason
        message = f"Chroma på {where} går inte att nå ({reason})."
        super().__init__(f"{message} {hint}" if hint else message)


class DatabaseUnavailable(HPError):
    """The database could not be reached or opened; the message names the server or file, never a password."""

    def __init__(self, where: str, reason: str, *, file: bool = False) -> None:
        self.where, self.reason = where, reason
        if file:  # SQLite
            message = f"Databasfilen {where} går inte att öppna ({reason}). Kontrollera DATABASE_URL."
        else:
            message = (f"Databasen på {where} går inte att nå ({reason}). "
                       "Kontrollera att databasen är igång och att DATABASE_URL stämmer.")
        super().__init__(message)


class SlackUnavailable(HPError):
    """Slack could not be reached, or refused the bot's token, when the bot started."""
