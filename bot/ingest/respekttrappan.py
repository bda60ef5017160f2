"""The one model of `knowledge/respekttrappan.yaml`, read by the index and by the APT posts."""

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import KnowledgeFileError
from bot.ingest import yamlfile

STEPS = 7


class Step(BaseModel):
    """One step of Respekttrappan."""

    model_config = ConfigDict(frozen=True)

    number: int
    name: str
    core_idea: str
    at_apt: str
    url: str


class Respekttrappan(BaseModel):
    """The file: metadata for the index, an intro, and the seven steps in order."""

    model_config = ConfigDict(frozen=True)

    title: str
    organisation: str | None = None
    type: str | None = None
    url: str | None = None
    sources: tuple[str, ...] = ()
    intro: str = ""
    steps: tuple[Step, ...] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _one_to_seven(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        """Sort the steps; each of 1–7 must be there exactly once (the rotation counts on it)."""
        ordered = tuple(sorted(steps, key=lambda s: s.number))
        if [s.number for s in ordered] != list(range(1, STEPS + 1)):
            raise ValueError(f"ska ha stegen 1–{STEPS}, en gång var")
        return ordered


def load(path: Path) -> Respekttrappan:
    """Read and validate the file; raise KnowledgeFileError naming the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeFileError(str(path), f"kan inte läsas ({exc.strerror})") from None
    data, root = yamlfile.load(text, str(path))
    return validate(data, root, str(path))


def validate(data: Any, root: yaml.Node | None, name: str) -> Respekttrappan:
    """Validate parsed YAML; an error names the step, the field and its line in `name`."""
    try:
        return Respekttrappan.model_validate(data)
    except ValidationError as exc:
        loc, message = yamlfile.first_error(exc)
        line = yamlfile.line_of(root, loc)
        raise KnowledgeFileError(name, f"{_where(loc)}: {message}", line=line) from None


def _where(loc: yamlfile.Loc) -> str:
    """Name the place of an error in Swedish.

    >>> _where(("steps", 1, "core_idea")), _where(("title",)), _where(())
    ("steg 2, fält 'core_idea'", "fält 'title'", 'filen')
    """
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        field = ".".join(str(part) for part in loc[2:])
        return f"steg {loc[1] + 1}" + (f", fält {field!r}" if field else "")
    return f"fält {'.'.join(str(part) for part in loc)!r}" if loc else "filen"
