"""Does a quote answer? The kinds of answer asked for and the terms a quote must hold (pure)."""

import pytest

from bot.answer.coverage import (
    Ask,
    Term,
    answers,
    ask_kind,
    compound_parts,
    english_terms,
    has_evidence,
    specific_terms,
    uncovered,
    zipf,
)
from bot.answer.policy import gap, language_of, prepare


def terms_of(question: str) -> list[Term]:
    """The question's specific terms as the answerer computes them (lexicon included)."""
    return specific_terms(question, (), compound_parts, zipf)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Vad heter förbundschefen i vårt förbund?", "name"),  # a person by role: a name is asked for
        ("Vad heter metoden som vi använder?", "other"),  # a thing's name may be any word
        ("What is the name of our project manager?", "name"),
        ("Hur mycket pengar får projektet från ESF?", "amount"),
        ("Vad kostar ett konto?", "amount"),
        ("What does the tool cost?", "amount"),
        # Paying and earning ask for money too, "hur mkt" as typed in Slack.
        ("hur mkt betalar forbundet for en utbildning", "amount"),
        ("How much do we pay the evaluators?", "amount"),
        ("Hur mycket tjänar en projektledare?", "amount"),
        # "Vem är [a role]" asks who holds it; "vem är ansvarig" may be answered by a role or a body.
        ("Vem är vårt dataskyddsombud?", "holder"),
        ("Who is the chair of the board?", "holder"),
        ("Vem är ansvarig för planen?", "who"),
        ("vem e ordforande i styrgruppen", "holder"),  # spoken "e" for "är"
        ("Which person at SBAB pushed the decision through?", "holder"),  # one person: a name answers
        ("Hur stor del av finansieringen kommer från regionen?", "share"),
        ("Hur många steg har trappan?", "count"),
        ("Hur länge får en deltagare vara kvar i insatsen?", "duration"),
        ("How long does step 4 take?", "duration"),
        ("Hur mycket tid ska vi boka för övningen?", "duration"),  # time, not an amount or a count
        ("Från vilken tidpunkt gäller skyldigheten att utreda?", "when"),
        ("Vilken period gällde programmet?", "when"),
        # A day is asked for: a year or "årligen" does not say which day.
        ("Vilken dag i månaden ska statistiken skickas in?", "date"),
        ("Vilket datum hålls demokratidagen?", "date"),
        # Plural: years and dates answer them, not a list ("vilka år" cannot be told from "vilka är" folded).
        ("Which years does the current ESF+ programme period cover?", "when"),
        ("In which years did MIA Vidare run?", "when"),
        ("Vilka datum hålls demokratidagarna?", "when"),
        ("Vilka är diskrimineringsgrunderna?", "list"),
        # English "which" lists only with a plural noun; "which bill" names one.
        ("Which grounds does the declaration list?", "list"),
        ("Which government bill introduced the active measures rules?", "other"),
        # A clause that sets the scene is not what is asked.
        ("När vi har gjort klart steg 7, ska vi då börja om från steg 1?", "other"),
        ("Om en deltagare blir illa behandlad, vem ska vi kontakta?", "who"),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: str) -> None:
    assert ask_kind(question) == kind


def test_a_name_must_stand_by_the_role_asked_about() -> None:
    question = "Vad heter förbundschefen?"
    asked = terms_of(question)

    assert has_evidence("name", "Förbundschefen är Anna Lindqvist sedan 2020.", asked)
    assert not has_evidence("name", "Förbundschefen tar upp avvikelsen i beredningsgruppen.", asked)
    assert not has_evidence("name", "Enligt Lex Heller går avvikelsen sedan vidare till förbundschefen.", asked)


def test_an_amount_is_money_and_a_share_is_a_part() -> None:
    assert has_evidence("amount", "Projektet får 2,5 miljoner kronor från ESF.")
    assert has_evidence("amount", "Verktyget används med ett gratis konto.")
    assert not has_evidence("amount", "Varje projekt under programperioden 2021–2027 ska ta hänsyn till tre principer.")
    assert has_evidence("share", "Ungefär 30 procent av finansieringen kommer från regionen.")
    members = "Ett förbund har fyra medlemmar: Arbetsförmedlingen, Försäkringskassan, kommuner och Region."
    assert not has_evidence("share", members)


@pytest.mark.parametrize(
    ("kind", "text", "holds"),
    [
        # A day is a date or a weekday, not a year or a habit.
        ("date", "Demokratidagen hålls den 8 november.", True),
        ("date", "APT hålls på tisdagar.", True),
        ("date", "Statistiken redovisas löpande till styrgruppen och årligen till förbundet.", False),
        ("date", "Programperioden gäller 2021–2027.", False),
        # A number that names or dates counts nothing.
        ("count", "Serviceförvaltningens förslag:\n1. Remissen besvaras.\n2. Ärendet justeras.", False),
        ("count", "Enligt Make Equal innehåller steg 2 en kort föreläsning.", False),
        ("count", "Demokratin fyller 100 år, vilket uppmärksammas den 8 november.", False),
        ("count", "MIA Vidare var ett projekt där åtta samordningsförbund samverkade.", True),
        # A length of time is a number with a unit.
        ("duration", "Kallelsen bör skickas ut ungefär två veckor i förväg.", True),
        ("duration", "Övningen tar cirka 30 minuter.", True),
        ("duration", "Avvikelsen tas upp i beredningsgruppen, där parterna finns representerade.", False),
        ("duration", "Steg 4 i Respekttrappan heter Upplev!", False),
    ],
)
def test_a_quote_holds_the_kind_of_answer_asked_for_or_not(kind: Ask, text: str, holds: bool) -> None:
    assert has_evidence(kind, text) is holds


def test_a_list_that_names_the_asked_noun_as_one_kind_lists_no_instances_of_it() -> None:
    text = "Vi kravställer upphandlade aktörer såsom leverantörer, utvärderare och föreläsare."

    assert not has_evidence("list", text, terms_of("Vilka utvärderare har förbundet anlitat?"))
    assert not has_evidence("list", text, terms_of("Vilka föreläsare har förbundet bokat?"))
    assert has_evidence("list", text, terms_of("Vilka aktörer ska förbundet kravställa?"))


def test_an_acronym_spelled_out_is_no_name_of_who() -> None:
    question = "Vem leder arbetsgruppen med MR-ambassadörer?"
    quote = "Det finns en arbetsgrupp med MR-ambassadörer (Mänskliga Rättigheter) från varje delprojekt."

    assert not has_evidence("who", quote, terms_of(question))
    assert has_evidence("who", "Arbetsgruppen med MR-ambassadörer leds av Anna Lindqvist.", terms_of(question))


def test_the_association_office_is_who_to_ask() -> None:
    question = "vem ska vi fraga om vilken lex heller rutin som galler hos oss"
    quote = "Rutinen bestäms av varje förbund, så fråga förbundets kansli vilken rutin som gäller hos er."

    assert has_evidence("who", quote, terms_of(question))


def test_the_one_who_does_it_answers_who() -> None:
    question = "Vem ska skapa kontot på respekttrappan.se?"

    assert has_evidence("who", "Inför steg 1 skapar den som leder APT-punkten ett gratis konto.", terms_of(question))
    assert not has_evidence("who", "Inför steg 1 skapas ett gratis konto.", terms_of(question))


def test_a_fact_of_its_own_must_be_quoted_however_much_else_the_quote_shares() -> None:
    question = "Vad blir straffet för den som diskriminerar enligt diskrimineringslagen?"
    asked = terms_of(question)
    about_the_law = "Diskrimineringslagen räknar upp sex former; den som diskriminerar bryter mot lagen."

    assert not answers(asked, about_the_law, about_the_law, ask_kind(question))
    fined = "Den som diskriminerar enligt diskrimineringslagen kan dömas till böter."
    assert answers(asked, fined, fined, ask_kind(question))


def test_an_english_question_keeps_its_facts_in_swedish_and_its_names() -> None:
    question = "What's the password for our shared Respekttrappan account in Swedish?"
    kept = english_terms(terms_of(question), question)

    assert [t.word for t in kept] == ["password", "Respekttrappan"]
    assert uncovered(kept, "Respekttrappan görs på webben med ett gratis konto.") == kept[:1]
    assert not uncovered(kept, "Lösenordet till Respekttrappan står i kansliets pärm.")


def test_a_compound_covers_a_word_only_as_its_last_part() -> None:
    straff = Term("straff", "straff")

    assert uncovered([straff], "Jämställdhet är en stående punkt på arbetsplatsträffen.") == [straff]
    assert not uncovered([Term("grunder", "grund")], "Lagen har sju diskrimineringsgrunder.")


def test_a_noun_the_stemmer_cuts_short_is_still_found_inflected_and_as_a_compound_head() -> None:
    # Snowball stems "område" to "omr" but "områden" to "omrad", "kompetens" to "kompet".
    [omrade] = terms_of("Är det ett område?")
    [kompetensen] = terms_of("Vilken kompetensen?")

    assert not uncovered([omrade], "Lagen gäller inom vissa områden.")
    assert not uncovered([omrade], "Lagen gäller inom vissa samhällsområden.")
    assert not uncovered([omrade], "Förbunden kom från Göteborgsområdet.")
    assert not uncovered([kompetensen], "Projektet skulle ha kompetens om principerna.")
    assert uncovered([omrade], "Omröstningen gäller alla.") == [omrade]


def test_after_a_common_verb_the_noun_says_what_a_who_question_asks() -> None:
    question = "Vem tog initiativet till Deklarationen för en stark demokrati?"
    quote = "Flera förbund har beslutat att ställa sig bakom Deklarationen för en stark demokrati."

    assert [t.word for t in terms_of(question) if t.required] == ["initiativet"]
    assert not answers(terms_of(question), quote, quote, "who")


def test_the_answer_says_first_what_the_documents_do_not_say() -> None:
    assert gap(prepare("Vad heter förbundschefen i SCÖ?"), "name", []) == (
        "Dokumenten säger inte vad förbundschefen i SCÖ heter."
    )
    assert gap(prepare("Hur mycket pengar får projektet?"), "amount", []).startswith("Dokumenten anger inget belopp")
    assert gap(prepare("What's the password for Lex Heller?"), "other", ["password"]) == (
        "The documents say nothing about “password”."
    )


def test_a_swedish_name_does_not_make_an_english_question_swedish() -> None:
    assert language_of("What is the salary of a project leader in Gränsgångare?") == "en"
    assert language_of("Vad gör projektledaren i Gränsgångare?") == "sv"


def test_a_swedish_title_in_parentheses_does_not_make_an_english_question_swedish() -> None:
    # Staff gloss a Swedish title for the bot; the question around it is English.
    assert language_of("Which years did the earlier programme (Program för ett jämställt Stockholm) cover?") == "en"
    assert language_of("Did the project run a digital HP-fika every week?") == "en"
    assert language_of("Vilka år gällde programmet (Program för ett jämställt Stockholm)?") == "sv"
