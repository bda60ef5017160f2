"""The shared helpers each concept is written once in: cutting, mrkdwn, dates, YAML lines."""

import doctest
import importlib
from pathlib import Path

import pytest

from bot.errors import KnowledgeFileError
from bot.ingest import respekttrappan, yamlfile
from bot.ingest.cutting import cut_point, shorten
from tests.test_schedules_fixtures import write_knowledge

MODULES = [
    "bot.ingest.cutting",
    "bot.ingest.dates",
    "bot.ingest.respekttrappan",
    "bot.ingest.yamlfile",
    "bot.slack.mrkdwn",
    "bot.schedules.content",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("limit", [1, 2, 5, 13, 40])
def test_cuts_never_exceed_the_limit(limit: int) -> None:
    text = "Ett två. Tre fyra!\n\nFem  sex\nsju åtta nio tio elva tolv."
    assert len(text[: cut_point(text, limit)]) <= limit
    assert len(shorten(text, limit, "…")) <= limit


def test_cut_prefers_a_paragraph_over_a_later_sentence_end() -> None:
    text = "a" * 30 + "\n\n" + "Kort. Mer text efter."
    assert text[: cut_point(text, 45)] == "a" * 30


def test_line_of_points_at_the_field_or_its_entry() -> None:
    text = "schedules:\n  - name: a\n    time: 9\n  - name: b\n"
    _, root = yamlfile.load(text, "s.yaml")
    assert yamlfile.line_of(root, ["schedules", 0, "time"]) == 3
    assert yamlfile.line_of(root, ["schedules", 1, "time"]) == 4
    assert yamlfile.line_of(None, ["x"]) is None


def test_front_matter_offset_moves_the_line() -> None:
    with pytest.raises(KnowledgeFileError) as info:
        yamlfile.load("a: 1\n b: 2\n", "doc.md", line_offset=1)
    assert info.value.line == 3 and str(info.value).startswith("doc.md:3: ogiltig YAML")


def test_respekttrappan_errors_name_step_field_and_line(tmp_path: Path) -> None:
    path = write_knowledge(tmp_path) / "respekttrappan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  name: Lär!\n", ""), encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as info:
        respekttrappan.load(path)
    assert "steg 2, fält 'name': saknas" in str(info.value)
    assert info.value.line == 11 and str(path) in str(info.value)  # the entry of step 2


def test_respekttrappan_needs_each_step_once(tmp_path: Path) -> None:
    path = write_knowledge(tmp_path) / "respekttrappan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("number: 7", "number: 6"), encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="fält 'steps': ska ha stegen 1–7, en gång var"):
        respekttrappan.load(path)
