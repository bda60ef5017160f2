"""The extractive answer's first quote is the sentence that answers, chosen by what the
sentence holds, not by ties in similarity.

Every candidate here gets the same embedding similarity, so only the signals the model
cannot give decide: the kind of answer asked for (a recurrence for "hur ofta", a
definition for "vad är", who for "vem", not the question's own words), and a sentence
that points back ("Konkret görs detta …") is quoted with the sentence it points to.
"""

import numpy as np

from bot.answer.coverage import ask_kind, compound_parts, specific_terms, zipf
from bot.answer.quoting import quotable_units
from bot.answer.selection import pick, score_units, spans
from bot.search.types import Source


def first_quote(question: str, *texts: str) -> str:
    """Return the first quote's text when every sentence of `texts` is as similar to `question`."""
    sources = [Source(f"d{n}", "Dokument", "", 0.9, text) for n, text in enumerate(texts)]
    units = quotable_units(sources)
    specific = specific_terms(question, (), compound_parts, zipf)  # as the answerer reads it
    scores = score_units(question, units, sources, [0.85] * len(units), specific, ask_kind(question))
    vectors = list(np.eye(len(units)))  # no two units say the same thing
    quotes = pick(units, sources, scores, vectors, specific, None, spans(units))
    return " ".join(u.text for u in quotes[0])


def test_how_often_is_answered_by_a_recurrence_not_by_a_past_date() -> None:
    quote = first_quote(
        "Hur ofta revideras handlingsplanen?",
        "Handlingsplanen är reviderad vid styrelsemötet 2022-11-22.",
        "Handlingsplanen revideras på årets sista styrelsesammanträde.",
    )

    assert "årets sista styrelsesammanträde" in quote and "2022" not in quote


def test_when_prefers_a_full_date_to_a_season() -> None:
    quote = first_quote(
        "När hålls demokratidagen?",
        "Demokratidagen hålls under hösten 2021.",
        "Demokratidagen hålls den 8 november.",
    )

    assert "8 november" in quote


def test_a_question_asking_where_and_when_gets_the_sentence_with_the_date() -> None:
    quote = first_quote(
        "Var och när började man använda Lex Heller?",
        "Lex Heller började som ett Excelark i ett projekt.",
        "Lex Heller startade våren 2016 hos Samordningsförbundet Göteborg Centrum.",
    )

    assert "2016" in quote


def test_the_questions_own_words_do_not_say_who() -> None:
    quote = first_quote(
        "Vem kan göra en anmälan till DO?",
        "En anmälan om diskriminering görs till Diskrimineringsombudsmannen (DO).",
        "Vem som helst kan göra en anmälan om diskriminering till DO.",
    )

    assert quote.startswith("Vem som helst")


def test_what_is_x_is_answered_by_the_sentence_that_defines_x() -> None:
    quote = first_quote(
        "Vad är jämlikhetsdata?",
        "Innan man samlar in jämlikhetsdata bör man fråga dataskyddsombudet.",
        "Jämlikhetsdata är statistik om hur människor upplever bemötande.",
    )

    assert quote.startswith("Jämlikhetsdata är statistik")


def test_a_sentence_that_points_back_is_quoted_with_the_sentence_it_points_to() -> None:
    quote = first_quote(
        "Ska förbundet arrangera ett webbinarium?",
        "Förbundet har också ett internt åtagande om utbildning. Externt åtagande utförs genom att sprida "
        "kunskap om demokrati. Konkret görs detta genom att arrangera minst ett öppet webbinarium.",
    )

    assert quote.startswith("Externt åtagande") and quote.endswith("minst ett öppet webbinarium.")


def test_the_detail_that_follows_a_pointing_sentence_is_quoted_with_it() -> None:
    quote = first_quote(
        "Hur sprider förbundet kunskap externt?",
        "Förbundet har också ett internt åtagande om utbildning. Externt åtagande utförs genom att sprida "
        "kunskap om demokrati. Konkret görs detta genom att arrangera minst ett öppet webbinarium.",
    )

    assert quote.startswith("Externt åtagande") and "webbinarium" in quote
