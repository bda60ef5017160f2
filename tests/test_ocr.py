"""OCR repair: lost å/ä/ö come back, OCR confusions are undone, correct text is left alone."""

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.ingest.ocr import needs_repair, repair_text
from bot.ingest.ocr_lexicon import Lexicon

ROOT = Path(__file__).resolve().parents[1]
DAMAGED = ("demokratiatagande-stockholms-stad", "remissvar-mr-programmet-serviceforvaltningen")
CLEAN = (
    "demokratiatagande-botkyrka-huddinge-salem",
    "handlingsplan-jamstalldhetsintegrering",
    "strategi-icke-diskriminering-gransgangare",
)
# The first lines of the OCR-damaged Stockholm document, as scanned.
STOCKHOLM_HEAD = """\
Samordningsforbundet
Stockholms stad

Demokratiatagande 100 ar

Flera av samordningsforbunden i Stockholms lan har beslutat att stalla sig bakom
Deklarationen for en stark demokrati, daribland Samordningsférbundet Stockholms stad.
Ett samordningsforbund har fyra medlemmar: Arbetsformedlingen, Forsakringskassan,
kommuner och Region som arbetar for att utveckla samverkan over tid. Detta gérs bland
annat genom finansiering av insatser som syftar till att mojliggora en forbattrad halsa
och en 6kad mdjlighet till arbete eller studier for personer i behov av samordnat stdd, en
samordnad rehabilitering. Syftet med samverkan ar att uppna en effektiv resurs-
anvandning, 6ka andelen medborgare som ar sjalvforsodrjande och utveckla battre
"""


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    """The shared wordfreq lexicon (loaded once per process)."""
    return Lexicon.from_wordfreq()


def _source(name: str) -> str:
    """A knowledge document from knowledge/ or, failing that, shared/knowledge-sources/."""
    for folder in (ROOT / "knowledge", ROOT.parent / "shared" / "knowledge-sources"):
        if (folder / f"{name}.txt").exists():
            return (folder / f"{name}.txt").read_text(encoding="utf-8")
    pytest.skip(f"{name}.txt is in neither knowledge/ nor shared/knowledge-sources/")


def _eval_module() -> ModuleType:
    import bot.evaluation.ocr as module

    return module


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("Genom deklarationen atar vi oss att forstarka arbetet.", "åtar vi oss att förstärka"),
        ("Insatserna ska ge en 6kad mojlighet till arbete.", "en ökad möjlighet"),
        ("Ett forbund har medlemmar: Forsakringskassan och kommuner.", "Försäkringskassan"),
        ("Det &r pé tiden att stadens 1 stadens méinskliga réttigheterna.", "är på tiden"),
        ("Det &r pé tiden att stadens 1 stadens méinskliga réttigheterna.", "i stadens mänskliga"),
        ("Vi mots pa manadsvis arbetsméten for att fa stdd.", "på månadsvis arbetsmöten för"),
    ],
)
def test_lost_diacritics_and_ocr_confusions_are_repaired(damaged: str, repaired: str) -> None:
    """atar → åtar, 6kad → ökad, &r → är, pé → på, méinskliga → mänskliga, 1 → i."""
    assert repaired in repair_text(damaged)


def test_an_unknown_word_is_repaired_even_in_otherwise_clean_text() -> None:
    """Clean text keeps its words, but a stray stripped word still gets its å/ä/ö."""
    repaired = repair_text("Kontakta Forsakringskassan för stöd.")
    assert repaired == "Kontakta Försäkringskassan för stöd."


def test_case_is_kept() -> None:
    """Title case and UPPER case survive the repair."""
    text = "Atar sig FORSAKRINGSKASSAN att 6ka stodet for alla? Ja, Forbundet gor det."
    expected = "Åtar sig FÖRSÄKRINGSKASSAN att öka stödet för alla? Ja, Förbundet gör det."
    assert repair_text(text) == expected


def test_correct_swedish_comes_back_identical() -> None:
    """A sentence that already has its diacritics is not touched, `for` (fara) included."""
    text = "Samordningsförbundet åtar sig att öka tillgången till stöd. Vi for till Göteborg i går."
    assert repair_text(text) == text


def test_english_urls_numbers_and_ids_are_untouched() -> None:
    """URLs, document ids, numbers, acronyms and English words pass through a damaged text."""
    text = (
        "Vi atar oss att ga igenom Respekttrappan https://www.respekttrappan.se/#/ pa APT, "
        "se demokratiatagande-stockholms-stad, KS 2023/1159 och 100 workshops for DO.\n"
        "1. Remissen besvaras den 1 maj."
    )
    repaired = repair_text(text)
    for kept in ("https://www.respekttrappan.se/#/", "demokratiatagande-stockholms-stad", "APT"):
        assert kept in repaired
    assert "KS 2023/1159 och 100 workshops för DO." in repaired
    assert repaired.endswith("1. Remissen besvaras den 1 maj.")
    assert repaired.startswith("Vi åtar oss att gå igenom")


def test_compounds_are_repaired_part_by_part() -> None:
    """Compounds missing from the lexicon are read as lexicon parts, linking -s included."""
    text = "Insatserna ar samordningsforbundsfinansierade och hallbarhetsmalen for Kravstalla."
    repaired = repair_text(text)
    assert "samordningsförbundsfinansierade" in repaired
    assert "hållbarhetsmålen" in repaired
    assert "Kravställa" in repaired


def test_hyphenated_line_breaks_are_rejoined_only_into_swedish_words() -> None:
    """resurs-/anvandning is one word; icke-/diskriminering and MR-/programmet keep the hyphen."""
    text = (
        "Syftet ar att uppna en effektiv resurs-\nanvandning, 6ka andelen och\n"
        "arbeta for icke-\ndiskriminering i (MR-\nprogrammet) for alla."
    )
    repaired = repair_text(text)
    assert "en effektiv resursanvändning,\nöka andelen och\n" in repaired
    assert "icke-\ndiskriminering" in repaired
    assert "(MR-\nprogrammet)" in repaired


def test_the_damaged_stockholm_document_opens_correctly() -> None:
    """The scanned Stockholm declaration reads as Swedish again."""
    lines = repair_text(STOCKHOLM_HEAD).splitlines()
    assert lines[0] == "Samordningsförbundet"
    assert lines[3] == "Demokratiåtagande 100 år"
    assert "i Stockholms län har beslutat att ställa sig" in lines[5]
    assert "Arbetsförmedlingen, Försäkringskassan," in lines[7]
    assert "Detta görs bland" in lines[8]
    assert "en ökad möjlighet till arbete" in lines[10]
    assert "samordnat stöd" in lines[10]
    assert lines[11].endswith("uppnå en effektiv resursanvändning,")
    assert lines[12].startswith("öka andelen medborgare som är självförsörjande")


@pytest.mark.parametrize("name", DAMAGED)
def test_needs_repair_flags_the_damaged_documents(name: str, lexicon: Lexicon) -> None:
    """Both OCR-damaged sources are recognised as damaged."""
    assert needs_repair(_source(name), lexicon)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_documents_need_no_repair_and_stay_identical(name: str, lexicon: Lexicon) -> None:
    """The clean sources are neither flagged nor changed."""
    text = _source(name)
    assert not needs_repair(text, lexicon)
    assert repair_text(text, lexicon) == text


def test_needs_repair_on_short_texts() -> None:
    """A lone OCR symbol is damage; English and correct Swedish are not."""
    assert needs_repair("6kad")
    assert needs_repair("Vi atar oss att 6ka kunskapen for alla.")
    assert not needs_repair("This is for you and the team.")
    assert not needs_repair("Vi for till Stockholm i går.")


def test_leave_one_out_restores_a_clean_document() -> None:
    """Stripped of å/ä/ö, a clean source comes back ≥ 97% exact with no correct word broken."""
    evaluation = _eval_module()
    name = "handlingsplan-jamstalldhetsintegrering"
    score = evaluation.leave_one_out(name, _source(name))
    assert score.with_diacritics > 50
    assert score.restored_share >= 0.97, score.misses
    assert score.broken == 0, score.misses


def test_strip_diacritics_and_scoring() -> None:
    """The measurement counts restored and broken words itself."""
    evaluation = _eval_module()
    assert evaluation.strip_diacritics("Åtar sig ökad förmåga") == "Atar sig okad formaga"
    score = evaluation.score("doc", "Vi åtar oss att öka", "Vi atar oss at öka")
    assert (score.with_diacritics, score.restored, score.broken) == (2, 1, 1)


def test_lexicon_is_cached_and_exclude_removes_words(lexicon: Lexicon) -> None:
    """The default lexicon is shared; `exclude` builds a separate one without those words."""
    assert Lexicon.from_wordfreq() is lexicon
    assert "åtar" in lexicon and lexicon.frequency("för") > lexicon.frequency("for")
    smaller = Lexicon.from_wordfreq(exclude=["Åtar"])
    assert "åtar" not in smaller and "för" in smaller


def test_importing_bot_ocr_loads_nothing() -> None:
    """No wordfreq load (or any I/O) happens at import time."""
    code = "import sys, bot.ingest.ocr; assert 'wordfreq' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
