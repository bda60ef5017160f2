"""BM25's optional levers: compound splitting and RM3 feedback (both off in the retriever)."""

from bot.search.compounds import compound_terms, split_compound
from bot.search.lexical import Feedback, LexicalIndex

TEXTS = [
    "Bostadsbidrag betalas ut till hushåll med låg inkomst.",
    "Barnbidraget betalas ut varje månad till föräldrar.",
    "Parkeringen ligger bakom huset.",
]


def test_a_long_compound_splits_in_two_and_a_short_word_stays_whole() -> None:
    assert split_compound("bostadsbidrag") == ("bostads", "bidrag")
    assert split_compound("huset") == ("huset",)
    assert compound_terms("Kontoret") == ["kontor"]  # under MIN_WORD letters: never split


def test_with_compounds_a_part_finds_the_compound() -> None:
    plain, split = LexicalIndex(TEXTS), LexicalIndex(TEXTS, compounds=True)
    assert [p for p, _ in plain.search("bidrag", 3)] == []
    assert sorted(p for p, _ in split.search("bidrag", 3)) == [0, 1]  # bostads|bidrag, barn|bidraget


def test_coverage_still_compares_whole_terms() -> None:
    # The relevance floor's coverage must mean the same with or without the lever.
    plain, split = LexicalIndex(TEXTS), LexicalIndex(TEXTS, compounds=True)
    assert split.coverage("bidrag", 0) == plain.coverage("bidrag", 0) == 0.0


def test_feedback_reaches_a_text_that_shares_only_the_top_texts_words() -> None:
    texts = [
        "Friskvårdsbidrag för gym och simhall betalas mot kvitto.",
        "Kvitto från gym eller simhall lämnas till lönekontoret.",
        "Kaffemaskinen avkalkas varje fredag.",
    ]
    plain = LexicalIndex(texts)
    expanded = LexicalIndex(texts, feedback=Feedback(docs=1, terms=5, weight=0.5))
    assert plain.scores("friskvårdsbidrag")[1] == 0.0
    assert expanded.scores("friskvårdsbidrag")[1] > 0.0
    assert expanded.scores("friskvårdsbidrag")[2] == 0.0
    assert [p for p, _ in expanded.search("friskvårdsbidrag", 3)][0] == 0
