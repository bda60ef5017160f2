"""Read the Respekttrappan steps from `knowledge/respekttrappan.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from bot.errors import KnowledgeFileError
from bot.schedules.rotation import STEPS


@dataclass(frozen=True)
class Step:
    """One step of Respekttrappan."""

    number: int
    name: str
    core_idea: str
    at_apt: str
    url: str


class _StepModel(BaseModel):
    number: int
    name: str
    core_idea: str
    at_apt: str
    url: str


class _FileModel(BaseModel):
    steps: list[_StepModel]


def load_steps(path: Path) -> tuple[Step, ...]:
    """Return the seven steps in order; raise KnowledgeFileError when the file is unusable."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        steps = sorted(_FileModel.model_validate(data).steps, key=lambda s: s.number)
    except OSError as exc:
        raise KnowledgeFileError(str(path), f"kan inte läsas ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise KnowledgeFileError(str(path), "ogiltig YAML", line) from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise KnowledgeFileError(str(path), f"fält {where!r}: {error['msg']}") from None
    if [s.number for s in steps] != list(range(1, STEPS + 1)):
        raise KnowledgeFileError(str(path), f"ska ha stegen 1–{STEPS}, en gång var")
    return tuple(Step(**s.model_dump()) for s in steps)
