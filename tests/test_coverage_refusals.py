"""Knowing what the documents do not say, at the level of the quote, on the real knowledge/ folder."""

import pytest

from bot.answer.types import Answerer
from bot.search.text import fold

pytestmark = pytest.mark.slow  # the real knowledge/ index


@pytest.mark.parametrize(
    ("question", "first_line"),  # the answer's first line starts so
    [
        # The role is in the documents (SCÖ's routine), the person's name is not.
        ("Vad heter verksamhetsutvecklaren på SCÖ?", "Dokumenten säger inte vad verksamhetsutvecklaren på SCÖ heter."),
        # The role is in the quote ("verksamhetschefen", "HR-chefer"), who holds it is not: another role is no answer.
        ("Vem är HR-chef i Stockholms stad?", "Dokumenten säger inte vem som är HR-chef"),
        # The day is, how to sign up is not: the verb of "hur … jag" is what is asked about.
        ("Hur anmäler jag mig till demokratidagen den 8 november?", "Dokumenten säger inget om ”anmäler”"),
        # The day is, how many it seats is not: "100 år" and "8 november" count nobody.
        ("Hur många får plats på demokratidagen den 8 november?", "Dokumenten anger inget antal"),
        ("hur manga far plats pa demokratidagen den 8 nov", "Dokumenten anger inget antal"),  # "8 nov" is the date
        # APT is, a room is not; "erna" of "APT:erna" is no word to name.
        ("Vem bokar lokalen till APT:erna?", "Dokumenten säger inget om ”lokalen”."),
        # The statistics are (sent "löpande" and "årligen"), the day of the month is not.
        (
            "Vilken dag i månaden ska vi skicka den könsuppdelade statistiken till styrgruppen?",
            "Dokumenten anger inget datum",
        ),
        # One phrase per missing thing: not "”OB” och ”OB-ersättning”"; a time word with its noun.
        ("Hur mycket OB-ersättning får jag för en APT på kvällen?", "Dokumenten säger inget om ”OB-ersättning”."),
        ("Vilket datum är nästa styrelsemöte?", "Dokumenten säger inget om ”nästa styrelsemöte”."),
        # Make Equal is, who chairs it is not: no name stands by a role in a Swedish quote.
        ("Who is the chairperson of the foundation Make Equal?", "The documents do not say who is the chairperson"),
        # SCÖ's verksamhetsutvecklare is (a routine that "kan tjäna som exempel"), pay is not: "tjänar" asks for pay.
        ("Hur mycket tjänar verksamhetsutvecklaren hos SCÖ?", "Dokumenten säger inget om ”tjänar”"),
        ("Vad tjänar en verksamhetsutvecklare på SCÖ?", "Dokumenten säger inget om ”tjänar”"),
        # ESF and the project are, an amount is not.
        (
            "Hur mycket pengar har Rätt stöd för mig! fått från Europeiska socialfonden?",
            "Dokumenten anger inget belopp för det du frågar om.",
        ),
        # The law is, a penalty is not ("arbetsplatsträff" is no "straff").
        (
            "Vad får man för straff om man diskriminerar någon på en arbetsplatsträff?",
            "Dokumenten säger inget om ”straff”",
        ),
        # Other projects are, leave is not: like pay, leave is a fact of its own.
        (
            "Kan jag få tjänstledigt för att jobba i ett ESF-projekt hos ett annat samordningsförbund?",
            "Dokumenten säger inget om ”tjänstledigt”.",
        ),
        # The account is (a free one), its password is not.
        ("What is the password for our group's Respekttrappan account?", "The documents say nothing about “password”."),
        # The statistics are (what to look for), how they looked last week is not: nothing written once says that.
        (
            "Fanns det omotiverade skillnader i den könsuppdelade statistiken för vårt projekt förra veckan?",
            "Dokumenten säger inget om ”förra veckan”",
        ),
        # Make Equal is, an address is not: "e-postadress" is the noun asked about, not "e".
        (
            "Vilken e-postadress har Make Equal för frågor om Respekttrappan?",
            "Dokumenten säger inget om ”e-postadress”",
        ),
        # The HP-fika is, an evaluation of it is not: the subject of "vad visade" is asked about.
        ("Vad visade utvärderingen av MIA Vidares HP-fika?", "Dokumenten säger inget om ”visade” och ”utvärderingen”"),
        # The exercise is, how long it takes is not: "hur lång tid" wants a length of time, not any number ("steg 4").
        ("Hur lång tid tar övningen i steg 4 av Respekttrappan?", "Dokumenten anger ingen tidsrymd"),
        # The notes are, how many years to keep them is not ("steg 7" counts no years): "år" is no "är".
        ("Hur många år måste vi spara minnesanteckningarna från APT?", "Dokumenten säger inget om ”år”"),
        # Five words missing: the three rarest are named, not a word list ("förmåner", "projektledare").
        (
            "Vilken lönetrappa, vilka förmåner och vilket friskvårdsbidrag gäller för projektledare i Gränsgångare "
            "under provanställningen?",
            "Dokumenten säger inget om ”lönetrappa”, ”friskvårdsbidrag” och ”provanställningen”.",
        ),
        # Lex Heller's reports are, another law is not: a law by name is quoted only where a document names it.
        (
            "Vad säger förvaltningslagen om samverkan mellan myndigheter när vi skriver en Lex Heller-rapport?",
            "Dokumenten säger inget om ”förvaltningslagen”.",
        ),
        # The project is; who steers it is not: "Samordningsförbundet Stockholms stad", the project's owner,
        # is the question's own name in the quote, not an answer to "who".
        ("Who is in the steering group for MIA Vidare Stockholm?", "The documents do not say who is in the steering"),
    ],
)
def test_a_covered_topic_whose_ask_is_not_says_so_first(answerer: Answerer, question: str, first_line: str) -> None:
    answer = answerer.ask(question)

    assert answer.refused and answer.coverage == "partial"
    assert answer.text.split("\n\n")[0].startswith(first_line)


@pytest.mark.parametrize(
    ("question", "answer_words"),
    [
        ("Vad kostar det att använda Respekttrappan?", "gratis"),  # free is an amount
        ("Vad heter författaren som Lex Heller har fått sitt namn efter?", "Joseph Heller"),
        ("What does Respekttrappan cost?", "gratis"),
        # "vilken period" asks for a time: the years answer it, the word "period" need not be quoted.
        ("Under vilken period gällde programmet för ett jämställt Stockholm?", "2018-2022"),
        # "det första steget" is "Steg 1" in the documents.
        ("Vad gör man i första steget, Tänk!?", "filmklipp"),
        # The list's lead-in counts its items: "fyra krav" answers "hur många krav".
        ("Hur många krav hade ESF på projektens arbete med de horisontella principerna 2014–2020?", "fyra krav"),
        # A story told before the question: the quote must hold what the last sentence asks.
        (
            "Vår deltagare blev bollad mellan Arbetsförmedlingen och regionen i flera månader och mådde dåligt av det. "
            "Finns det något sätt att rapportera bristen i samverkan?",
            "Lex Heller",
        ),
        # "vilken sorts" and "enl" only ask; the webbkurser and the trakasserier are what is asked about.
        ("Vilken sorts webbkurser använde MIA Vidare?", "strukturell rasism"),
        ("vad menas med trakasserier enl lagen", "kränker någons värdighet"),
        # An English question glossing a Swedish title is English: its English words need no Swedish quote.
        ("Which years did Stockholm's programme (Program för ett jämställt Stockholm) cover?", "2018-2022"),
        # Shortened in Slack: "serviceforv" is no word, and starts "serviceförvaltningen".
        ("vad tycker serviceforv om att samla flera program i ett mr-program", "positivt att samla"),
        # "förkortningen", "inledningen" point into a document; they are not what a quote must say.
        (
            "Vad betyder förkortningen ESF som förekommer i Stockholms stads demokratiåtagande?",
            "Europeiska Socialfonden",
        ),
        # "vilka områden" asks for a list's items; the word "områden" need not be quoted.
        ("Vilka områden är arbetsplatsträffen ett dialogforum för?", "arbetsmiljön"),
        # "bhs" is how staff write Botkyrka Huddinge Salem: its declaration, not Stockholm's, answers.
        ("vad vill bhs oka tillgangen till med sin deklaration", "arbetslivsinriktade rehabiliteringsinsatser"),
        # "sådär" is spoken Swedish that asks nothing, like "enl" and "mej".
        ("Vad vill Projekt Gränsgångare verka för när det gäller arbetsmarknaden, sådär övergripande?", "fri från"),
        # "Vilka räknas upp?" only asks; the sentence before it says what, and the list answers.
        (
            "Stockholms stads förbund vill öka tillgången till samordnade insatser oavsett flera förhållanden. "
            "Vilka räknas upp?",
            "etnisk tillhörighet",
        ),
        # "vilken punkt" asks for an item of the agenda; the word "punkt" need not be quoted.
        ("Vilken punkt kommer efter Arbetsmiljö i HP-assistentens förslag på dagordning för APT?", "dagens steg"),
        # "förra perioden" with its years is a period the documents can name, not one counted from today.
        ("Kunde projekten under förra perioden 2014–2020 ta in extern expertis för HP-arbetet?", "extern expertis"),
        # Typed without å/ä/ö: "soker" is "söker" (Swedish at large), not a term no quote holds.
        ("galler diskrimineringslagen for den som soker jobb pa kommunen", "arbetslivet"),
        # "en sådan situation" points back at the story; no document names the situation.
        (
            "En deltagare fick inte gå en utbildning hos Arbetsförmedlingen för att hon är 60 år. "
            "Gäller diskrimineringslagen i en sådan situation?",
            "arbetsmarknadspolitisk verksamhet",
        ),
        # "fixa" is Slack's word for getting anything done; the documents say what is done.
        (
            "Jag ska leda Respekttrappan på APT i vår. Vad behöver jag fixa innan vi börjar med första steget?",
            "samtalsreglerna",
        ),
    ],
)
def test_the_same_shapes_are_answered_when_the_documents_answer(
    answerer: Answerer, question: str, answer_words: str
) -> None:
    answer = answerer.ask(question)

    assert not answer.refused and answer.coverage == "full"
    assert fold(answer_words) in fold(answer.text.split("\n\n")[0])


def test_a_related_list_item_is_shown_without_the_rest_of_its_list(answerer: Answerer) -> None:
    # The weekday is not in the documents; of the APT tips, only "Kallelse:" is about the invitation.
    answer = answerer.ask("Vilken veckodag brukar kallelsen till APT skickas ut?")

    assert answer.refused and answer.coverage == "partial"
    assert "två veckor i förväg" in answer.text
    assert "Dagordningen" not in answer.text and "MBL" not in answer.text, answer.text
