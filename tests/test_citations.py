"""Honest citations: numbered in citation order, merged per document and section, each saying whose it is."""

import io
import json
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from bot.answer import policy
from bot.answer.citations import renumber
from bot.answer.types import Answer, Source
from bot.cli.terminal import print_answer
from bot.errors import KnowledgeFileError
from bot.ingest.knowledge import knowledge_files, load_file, split_front_matter
from bot.search.index import ChunkRows
from tests.core_fixtures import KNOWLEDGE, CountingEmbeddings, fake_embeddings, fake_index

PLAN = Source("plan", "Handlingsplan för jämställdhetsintegrering", "Mål", 0.9, "Planen revideras årligen.",
              kind="own", organisation="Samordningsförbundet")
REMISS = Source("remiss", "Remissvar om MR-programmet", "Sammanfattning", 0.8, "Programmet samlar arbetet.",
                organisation="Serviceförvaltningen, Stockholms stad")
HP = Source("hp", "Horisontella principer", "Tre principer", 0.7, "Det finns tre principer.",
            url="https://www.esf.se/hp/", kind="guidance", organisation="HP-assistenten (sammanställt)")
HP_MORE = Source("hp", "Horisontella principer", "Tre principer", 0.6, "De gäller alla projekt.",
                 url="https://www.esf.se/hp/", kind="guidance", chunk_id="hp-2")
HP_OTHER_SECTION = Source("hp", "Horisontella principer", "Tillgänglighet", 0.5, "Tillgänglighet först.",
                          url="https://www.esf.se/hp/", kind="guidance")

# Whose words each document of knowledge/ holds. own: a samordningsförbund's own commitment;
# other: another organisation's text; guidance: written for the bot (our fact sheets, and
# Respekttrappan's summary and APT advice, though the tool itself is SBAB's and Make Equal's).
KINDS = {
    "apt": "guidance",
    "demokratiatagande-botkyrka-huddinge-salem": "own",
    "demokratiatagande-stockholms-stad": "own",
    "diskrimineringslagen": "guidance",
    "handlingsplan-jamstalldhetsintegrering": "own",
    "horisontella-principer": "guidance",
    "lex-heller": "guidance",
    "remissvar-mr-programmet-serviceforvaltningen": "other",
    "respekttrappan": "guidance",
    "strategi-icke-diskriminering-gransgangare": "own",
}


def ids(sources: tuple[Source, ...]) -> list[str]:
    """The document ids of `sources`, in order."""
    return [s.id for s in sources]


def test_gaps_close_and_numbers_follow_the_order_of_citation() -> None:
    text, cited = renumber("Plan [3]. Remiss [5].", [HP, HP_OTHER_SECTION, PLAN, HP_MORE, REMISS])

    assert text == "Plan [1]. Remiss [2]."
    assert cited == (PLAN, REMISS)


def test_a_source_cited_twice_keeps_one_number() -> None:
    text, cited = renumber("> A [2]\n> B [1]\n> C [2]", [PLAN, REMISS])

    assert text == "> A [1]\n> B [2]\n> C [1]"
    assert ids(cited) == ["remiss", "plan"]


def test_two_passages_of_one_document_and_section_become_one_source() -> None:
    text, cited = renumber("> Tre [1]\n> Alla [2]\n> Först [3]", [HP, HP_MORE, HP_OTHER_SECTION])

    assert text == "> Tre [1]\n> Alla [1]\n> Först [2]"
    assert [(s.id, s.section) for s in cited] == [("hp", "Tre principer"), ("hp", "Tillgänglighet")]
    merged = cited[0]
    assert merged.text == "Det finns tre principer.\n\nDe gäller alla projekt."  # every quote is in its source
    assert merged.score == HP.score and merged.chunk_id == HP.chunk_id


def test_markers_of_merged_sources_side_by_side_collapse_into_one() -> None:
    text, cited = renumber("Tre principer [1][2]. Alla [2] [1].", [HP, HP_MORE])

    assert text == "Tre principer [1]. Alla [1]."
    assert len(cited) == 1


def test_uncited_sources_are_dropped_and_unknown_numbers_left_alone() -> None:
    text, cited = renumber("Remiss [2]. Fotnot [9].", [PLAN, REMISS, HP])

    assert text == "Remiss [1]. Fotnot [9]."
    assert cited == (REMISS,)
    assert renumber("Inga källor här.", [PLAN, REMISS]) == ("Inga källor här.", ())


def test_renumbering_twice_changes_nothing() -> None:
    once = renumber("C [3] A [1] C [3] B [2]", [PLAN, REMISS, HP])

    assert renumber(*once) == once


def test_every_answerer_gets_renumbered_sources_through_the_policy() -> None:
    prepared = policy.prepare("Vad gäller för HP?")

    answer = policy.answered(prepared, "> Alla [4]\n> Tre [3]", [PLAN, REMISS, HP, HP_MORE], {})

    assert answer.text == "> Alla [1]\n> Tre [1]"
    assert ids(answer.sources) == ["hp"]


def test_ask_json_says_what_each_source_is() -> None:
    answer = Answer("Vad?", "Plan [1]. HP [2].", False, "sv", (PLAN, HP))

    sources = json.loads(json.dumps(answer.to_json()))["sources"]

    assert [(s["kind"], s["organisation"]) for s in sources] == [
        ("own", "Samordningsförbundet"), ("guidance", "HP-assistenten (sammanställt)")]


def write(folder: Path, name: str, text: str) -> None:
    """Write a UTF-8 file into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def small_kinds_folder(folder: Path) -> Path:
    """Four documents: own, other, guidance (YAML) and one without a kind."""
    write(folder, "plan.md", "---\ntitle: Plan\norganisation: Förbundet\nkind: own\n---\n# Plan\n\nVi följer upp.\n")
    write(folder, "remiss.txt", "---\ntitle: Remiss\norganisation: Stockholms stad\nkind: other\n---\nStaden svarar.\n")
    write(folder, "guide.yaml", "title: Guide\norganisation: HP-assistenten\nkind: guidance\nurl: https://esf.se\n"
          "sections:\n  - heading: Tips\n    text: Börja med målen.\n")
    write(folder, "lista.md", "# Lista\n\nEn lista utan front matter.\n")
    return folder


def test_kinds_go_from_front_matter_through_sync_into_sources(tmp_path: Path) -> None:
    folder = small_kinds_folder(tmp_path / "knowledge")
    kb = fake_index(tmp_path / "chroma")

    kb.sync(folder)

    got = {s.id: (s.kind, s.organisation, s.url) for s in kb.chunks()}
    assert got == {
        "plan": ("own", "Förbundet", None),
        "remiss": ("other", "Stockholms stad", None),
        "guide": ("guidance", "HP-assistenten", "https://esf.se"),
        "lista": ("other", "", None),  # no front matter: another organisation's, until someone says otherwise
    }


def test_a_changed_kind_is_refreshed_without_embedding_again(tmp_path: Path) -> None:
    folder = small_kinds_folder(tmp_path / "knowledge")
    fake_index(tmp_path / "chroma").sync(folder)
    plan = folder / "plan.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("kind: own", "kind: other"), encoding="utf-8")
    counting = CountingEmbeddings(fake_embeddings())
    kb = fake_index(tmp_path / "chroma", counting)

    report = kb.sync(folder)

    assert (report.added, report.deleted, counting.embedded) == (0, 0, [])
    assert {s.id: s.kind for s in kb.chunks()}["plan"] == "other"


def test_chunks_of_an_index_built_before_kinds_read_as_other() -> None:
    rows = ChunkRows(["c1"], ["Text."], [{"doc_id": "apt", "title": "APT", "url": "", "fingerprint": "x"}])

    [source] = rows.sources()

    assert (source.kind, source.organisation) == ("other", "")


def test_an_unknown_kind_is_one_clear_error(tmp_path: Path) -> None:
    write(tmp_path, "fel.md", "---\ntitle: Fel\nkind: egen\n---\nText.\n")

    with pytest.raises(KnowledgeFileError, match="kind ska vara own, other eller guidance"):
        load_file(tmp_path / "fel.md")


def test_every_knowledge_document_says_whose_words_it_holds() -> None:
    found: dict[str, object] = {}
    for path in knowledge_files(KNOWLEDGE):
        raw = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(raw) if path.suffix == ".yaml" else split_front_matter(raw, str(path))[0]
        found[path.stem] = meta.get("kind")

    assert found == KINDS


def render_terminal(answer: Answer) -> str:
    """What `bot ask` prints for `answer`."""
    out = io.StringIO()
    print_answer(Console(file=out, width=200, color_system=None), answer)
    return out.getvalue()


def test_terminal_source_lines_say_what_each_source_is() -> None:
    printed = render_terminal(Answer("Vad?", "Plan [1]. Remiss [2]. HP [3].", False, "sv", (PLAN, REMISS, HP)))

    assert printed.splitlines()[-4:] == [
        "Källor",
        "[1] Handlingsplan för jämställdhetsintegrering – Mål (förbundets eget dokument)",
        "[2] Remissvar om MR-programmet – Sammanfattning (Serviceförvaltningen, Stockholms stad)",
        "[3] HP-assistentens vägledning: Horisontella principer – Tre principer · Läs mer: https://www.esf.se/hp/",
    ]


def test_terminal_labels_are_english_for_an_english_answer() -> None:
    printed = render_terminal(Answer("What?", "Plan [1]. HP [2].", False, "en", (PLAN, HP)))

    assert printed.splitlines()[-3:] == [
        "Sources",
        "[1] Handlingsplan för jämställdhetsintegrering – Mål (the association's own document)",
        "[2] HP-assistenten's guidance: Horisontella principer – Tre principer · Read more: https://www.esf.se/hp/",
    ]
