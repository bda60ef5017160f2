"""Quoting helpers: sentences end where the documents' sentences end, lists stay items.

Sentence-boundary cases for `bot.answer.quoting.sentences`, with the expected sentences.

REAL cases are consecutive sentences copied from knowledge/ as the index holds them
(the two OCR-damaged documents after repair, hard-wrapped lines joined); each case's
passage is its sentences joined by one space. They hold what our documents hold:
"kap." and "§" references, "prop.", "SFS 2024:242", "t.ex.", "bl.a.", "m.m.", "t.o.m.",
years and dates before a full stop, "APT." and other acronyms, quotation marks, names that
end in "!" ("Rätt stöd för mig!", "Lär!") and numbered decisions run into prose.

CONSTRUCTED cases cover abbreviations the documents do not happen to contain ("dvs.",
"s. 12", "m.fl.", "kl.", "ca", "nr"), written in the documents' style.
"""

import pytest

from bot.answer.quoting import split_units
from bot.ingest.sentences import sentences

REAL: list[list[str]] = [
    # diskrimineringslagen.md
    [
        "Det här faktabladet sammanfattar diskrimineringslagen (2008:567) för personal i samordningsförbund och"
        " finansierade insatser.",
        "Faktabladet bygger på lagtexten med ändringar till och med SFS 2024:242.",
        "Lagen har ändrats flera gånger efter det (åtminstone till och med SFS 2025:736), så kontrollera alltid den"
        " aktuella lydelsen hos Regeringskansliets rättsdatabaser.",
    ],
    [
        "HP-assistenten ger inga juridiska råd i enskilda fall.",
        "Den som behöver få ett konkret fall bedömt bör vända sig till Diskrimineringsombudsmannen (DO), en"
        " antidiskrimineringsbyrå, sin fackförening eller en jurist.",
    ],
    [
        "Diskrimineringslagen har enligt 1 kap. 1 § till syfte att motverka diskriminering och på andra sätt främja"
        " lika rättigheter och möjligheter oavsett kön, könsöverskridande identitet eller uttryck, etnisk"
        " tillhörighet, religion eller annan trosuppfattning, funktionsnedsättning, sexuell läggning eller ålder.",
    ],
    [
        "Diskrimineringslagen räknar i 1 kap. 4 § upp sex former av diskriminering: direkt diskriminering, indirekt"
        " diskriminering, bristande tillgänglighet, trakasserier, sexuella trakasserier och instruktioner att"
        " diskriminera.",
    ],
    [
        "Aktiva åtgärder är det förebyggande och främjande arbete mot diskriminering som arbetsgivare och"
        " utbildningsanordnare ska bedriva inom den egna verksamheten enligt 3 kap. diskrimineringslagen.",
        "Arbetet med aktiva åtgärder ska göras fortlöpande i fyra steg: undersöka risker och hinder, analysera"
        " orsakerna, vidta de åtgärder som skäligen kan krävas och följa upp och utvärdera arbetet (3 kap. 2–3 §§).",
    ],
    [
        "Kravet på att dokumentera aktiva åtgärder beror på antalet anställda: under 10 anställda krävs ingen"
        " dokumentation, med 10–24 anställda ska lönekartläggningen dokumenteras och med 25 eller fler anställda"
        " ska hela arbetet med aktiva åtgärder dokumenteras.",
        "Reglerna om aktiva åtgärder ersatte den 1 januari 2017 de tidigare kraven på jämställdhetsplaner"
        " (prop. 2015/16:135).",
    ],
    [
        "Reglerna om aktiva åtgärder ersatte den 1 januari 2017 de tidigare kraven på jämställdhetsplaner"
        " (prop. 2015/16:135).",
        "En arbetsgivares skyldighet att utreda trakasserier börjar så snart arbetsgivaren får kännedom om dem,"
        " även om den som har utsatts inte har gett sitt samtycke.",
    ],
    [
        'Diskrimineringsombudsmannen (DO) använder uttrycket "könsidentitet eller könsuttryck" i stället för'
        ' lagens "könsöverskridande identitet eller uttryck", eftersom lagens formulering antyder att det handlar'
        " om att avvika från en norm.",
        "Enligt diskrimineringslagens definitioner omfattar etnisk tillhörighet nationellt eller etniskt ursprung,"
        " hudfärg eller annat liknande förhållande.",
    ],
    [
        "Diskrimineringsombudsmannen (DO) talar om sex former av diskriminering; vissa webbplatser skriver att det"
        " finns fem former, eftersom de räknar trakasserier och sexuella trakasserier som en form.",
        "All orättvis behandling är inte diskriminering enligt lagen: för att det ska vara diskriminering måste"
        " behandlingen ha samband med en diskrimineringsgrund och ske inom ett samhällsområde där lagen gäller.",
    ],
    [
        "Vem som helst kan anmäla diskriminering till Diskrimineringsombudsmannen (DO), även för någon annans räkning.",
        "Diskrimineringsombudsmannen (DO) kan inte utreda alla anmälningar, men alla anmälningar används i DO:s"
        " arbete mot diskriminering.",
    ],
    [
        "- Diskrimineringslag (2008:567), Regeringskansliets rättsdatabaser (t.o.m. SFS 2024:242) –"
        " https://rkrattsbaser.gov.se/sfst?bet=2008:567",
    ],
    # apt.md
    [
        "På en APT finns inget partsförhållande, vilket betyder att APT inte är en förhandling mellan arbetsgivare"
        " och fack.",
        "Fackliga företrädare eller skyddsombud kan bjudas in till en APT som resurser.",
        "En APT hålls ofta en gång i månaden.",
    ],
    [
        "Samordningsförbundet Stockholms stad har i sitt demokratiåtagande lovat att ha jämställdhet som en stående"
        " punkt på varje APT.",
        "Samordningsförbundet Stockholms stad har också lovat att gå igenom ett steg av Respekttrappan på varje APT"
        " för att utveckla en inkluderande arbetskultur.",
    ],
    [
        "Respekttrappan har sju steg som görs i ordning, så en hel genomgång av Respekttrappan tar ungefär sju APT:er.",
        "Steg 6 (Kartlägg!) och steg 7 (Gör!) i Respekttrappan kan behöva extra tid på APT eller en uppföljning vid"
        " nästa APT.",
        "Övningarna och samtalsreglerna till Respekttrappan finns i det webbaserade verktyget på"
        " https://respekttrappan.se och hämtas därifrån inför varje APT.",
    ],
    [
        "- **MBL-frågor:** Frågor som kräver information eller förhandling enligt medbestämmandelagen (MBL) hör"
        " hemma i samverkansgruppen och inte på APT.",
    ],
    [
        'Undvik punkter av typen "Chefen informerar" på APT, eftersom APT är till för dialog och inte för'
        " envägsinformation.",
    ],
    # demokratiatagande-stockholms-stad.txt (OCR, repaired)
    [
        "I vårt ESF-projekt (Europeiska Socialfonden) Rätt stöd för mig! åtar vi oss att ha inkluderingsträffar"
        " med olika teman för samtlig projektpersonal i samarbete med Samordningsförbundet Huddinge Botkyrka Salem"
        " och Samordningsförbundet Södertälje.",
        "ESF-projekt grundar sig på att mänskliga rättigheter ska genomsyra alla delar av genomförandet enligt krav"
        " om horisontella principer/HP d v s jämställdhet, tillgänglighet och icke-diskriminering som ställs av"
        " Europeiska socialfonden som medfinansierar projektet.",
    ],
    [
        "I Rätt stöd för mig! finns en arbetsgrupp med MR-ambassadörer (Mänskliga Rättigheter) från varje delprojekt.",
        "Vi åtar oss att månadsvis följa upp statistik av deltagare ur ett könsperspektiv.",
    ],
    [
        "Detta arbete kräver tillgång till jämlikhetsdata, d v s kunskap om hur personer upplever bemötande och"
        " stöd utifrån diskrimineringsgrunderna, och det har vi ännu inte tillgång till inom"
        " samordningsförbundsfinansierade insatser.",
        "Rätt stöd för mig! kommer under hösten se över möjligheten att införa insamling av jämlikhetsdata"
        " tillsammans med samordningsförbunden Östra Södertörn och Huddinge-Botkyrka-Salem.",
    ],
    [
        "På förbundet åtar vi oss att ha Jämställdhet som en punkt på arbetsplatsträffar/APT.",
        "Vi ska också på varje APT gå igenom ett steg av Respekttrappan https://www.respekttrappan.se/#/ för att"
        " utveckla en inkluderande arbetskultur.",
    ],
    [
        "I Rätt stöd för mig! ska vi arbeta för att införa jämlikhetsdata för att synliggöra diskrimineringen genom"
        " att fånga upplevelsen hos personer med annan etnicitet än etnisk svensk och annan hudfärg än vit.",
        "Diskriminering synliggörs genom att referera till aktuell forskning och föra en dialog för att motverka"
        " diskriminering utifrån förbundens uppdrag om att bidra till inkludering.",
        'Vi ska använda material från Länsstyrelsen i Stockholms projekt "Vidga normen”.',
        "Projektet åtar sig genomföra gruppaktiviteter som syftar till att deltagare ska få större kunskap om"
        " mänskliga rättigheter, diskrimineringsgrunder och samhällssystemet för att öka möjligheterna för både"
        " dem själva och deras anhöriga att identifiera missgynnande monster.",
    ],
    [
        "Förbundet åtar sig att uppmärksamma att demokratin fyller 100 år på vår hemsida, koppla det till"
        " demokratidagen som anordnas tillsammans med andra samordningsförbund i Stockholms län den 8 november.",
        "Demokratidagen anordnas för samtliga medarbetare i våra finansierade insatser i syfte att fördjupa"
        " kunskaperna och skapa dialog och samsyn kring hur och varför vi arbetar inkluderande och hur vi"
        " säkerställer att medborgares erfarenheter, kunskaper och synpunkter tas tillvara.",
        "Informationen på hemsidan länkas sedan till andra sociala medier.",
    ],
    # demokratiatagande-botkyrka-huddinge-salem.txt
    ["politiker och tjänstepersoner hos våra medlemmar (t.ex. demokratidag och inkluderingsfika)"],
    [
        "Det interna åtagandet utförs genom dialog och information i förbundets kansli, beredningsgrupp och styrelse.",
        "En prioritering under hösten internt är att stärka medborgarnas inflytande och delaktighet i utformningen"
        " av de insatser som Samordningsförbundet finansierar.",
    ],
    [
        "Samordningsförbundet kommer att uppmärksamma Demokratins 100-årsjubileum i nyhetsbrev och på hemsida och"
        " LinkedIn.",
    ],
    # handlingsplan-jamstalldhetsintegrering.txt
    [
        "Samordningsförbundet har som mål att alla verksamheter som förbundet finansierar ska erbjuda jämställd"
        " arbetslivsriktad rehabilitering.",
        "Hänsyn tas till att alla människor, oavsett könstillhörighet, har delvis lika, delvis olika behov.",
        "Förbundet arbetar för att samtliga ska få ett gott bemötande och god behandling.",
    ],
    [
        "- Jämställdhetsperspektivet ska beaktas vid ärendebehandling på beredningsgrupp och styrelsemöten.",
        "Då ska vi bl.a. bevaka",
    ],
    [
        '<sup>1</sup> "Jämställdhet innebär att kvinnor och män har samma rättigheter, skyldigheter och möjligheter'
        " inom alla områden i livet.",
        'Jämställdhet är ett politiskt begrepp som betonar jämlikhet mellan kön."',
    ],
    ["*Handlingsplanen är reviderad vid styrelsemötet 2022-11-22*"],
    # horisontella-principer.md
    [
        "- **Icke-diskriminering:** Den horisontella principen icke-diskriminering innebär att projektet ska"
        " motverka diskriminering och främja lika rättigheter oavsett de sju diskrimineringsgrunderna.",
    ],
    [
        "ESF-rådet kopplar de horisontella principerna till de globala målen 1, 4, 5, 8 och 10 i Agenda 2030.",
        "På EU-nivå kräver förordning (EU) 2021/1060 i artikel 9 att EU:s stadga om de grundläggande rättigheterna"
        " respekteras när EU-fonderna används.",
    ],
    [
        "Under ESF:s programperiod 2014–2020, när bland annat projekten MIA och MIA Vidare drevs, fanns fyra"
        " horisontella principer.",
        "Jämställdhet, tillgänglighet och icke-diskriminering var obligatoriska horisontella principer 2014–2020,"
        " medan ekologiskt hållbar utveckling bara krävdes i vissa utlysningar.",
    ],
    [
        "4R-metoden är en metod för att analysera en verksamhet ur ett jämställdhetsperspektiv.",
        "4R står för Representation, Resurser, Realia och Realisera.",
    ],
    [
        "- **Realisera:** Realisera handlar om att formulera mål och åtgärder för att verksamheten ska bli jämställd.",
        "4R-metoden bygger på 3R-metoden från JämKom och utvidgades till fyra R i JämStöds Praktika (SOU 2007:15).",
    ],
    [
        "Det övergripande målet för den svenska jämställdhetspolitiken, som beslutades 2006, är att kvinnor och män"
        " ska ha samma makt att forma samhället och sina egna liv.",
        "Jämställdhetspolitiken har sex delmål: makt och inflytande, ekonomisk jämställdhet, jämställd utbildning,"
        " jämn fördelning av det obetalda hem- och omsorgsarbetet, jämställd hälsa och att mäns våld mot kvinnor"
        " ska upphöra.",
    ],
    [
        "Jämställdhetsintegrering är Sveriges huvudstrategi för jämställdhet sedan 1994, och strategin fick"
        " internationellt genomslag genom FN:s kvinnokonferens 1995.",
        "Jämställdhetsintegrering innebär att jämställdhet ska vara en del av det ordinarie arbetet och inte ett"
        " sidospår.",
    ],
    [
        'MIA Vidare höll varje vecka ett digitalt "HP-fika", där personalen träffades och samtalade om de'
        " horisontella principerna.",
        "MIA Vidare arbetade med normspaning på alla nivåer i projektet och använde webbkurser om strukturell rasism.",
    ],
    # lex-heller.md
    [
        "Lex Heller började som ett Excelark och utvecklades till ett dataprogram i ESF-projektet Respondere, som"
        " drevs av samordningsförbunden Finsam Göteborg, Insjöriket och Älv och Kust.",
        "Namnet Lex Heller kommer från författaren Joseph Heller och hans roman Moment 22 (på engelska Catch-22),"
        " och syftar på byråkratiska låsningar där en person inte kan komma vidare eftersom reglerna hänvisar till"
        " varandra.",
    ],
    # remissvar-mr-programmet-serviceforvaltningen.txt (OCR, repaired)
    [
        "Servicenämnden beslutar att 1. Remissen besvaras med förvaltningens tjänsteutlåtande.",
        "2. Ärendet förklaras omedelbart justerat.",
    ],
    [
        "Verksamhetsområde rekrytering arbetar sedan 2015 på att öka fokus kring fördomsmedvetenhet och inkludering"
        " i stadens rekryteringar.",
        "Konkreta resultat av arbetet är bl.a. rekryteringar utan personligt brev och digital referenstagning.",
        "Kontaktcenter Stockholm möter stockholmarna dagligen och förvaltningen ser att lyfta fram att det är"
        " möjligt och att i större utsträckning nyttja Kontaktcenter Stockholm som en väg in, för samlad statistik"
        " och information kopplat till MR-arbetet i staden.",
    ],
    [
        "Kommunstyrelsen har remitterat programmet till stadens samtliga nämnder och bolag samt flertalet föreningar"
        " och civilrättsorganisationer.",
        "Yttranden ska ha inkommit till kommunstyrelsen senast den 3 oktober 2024.",
        "Programmet bifogas.",
    ],
    [
        "Verksamhetens professionalitet, som bland annat visar sig genom befintligt systemstöd, talsvar,"
        " kunskapsdatabaser, utbildningar i bemötande och effektiv kund- och samtalshantering m.m. är väl i linje"
        " med programmets intentioner om arbete i linje med mänskliga rättigheter.",
    ],
    [
        "De mänskliga rättigheterna slår fast att alla människor är födda fria och lika i värde och rättigheter.",
        "Exempel på grundläggande fri- och rättigheter är: Rätten till utbildning, bostad, arbete, delaktighet i"
        " samhället och frihet från hat, hot och våld.",
        "Rättigheterna är odelbara och ingen rättighet är viktigare än någon annan.",
    ],
    [
        "Stockholms stads riktlinjer för arbetet med nationella minoriteters rättigheter (KS 2018/000069) är"
        " lagstadgade och kommer att gilla till dess att handlingsplanen för nationella minoriteters rättigheter"
        " antagits.",
        "Det nya programmet för de mänskliga rättigheterna är ett styrdokument som gäller för samtliga nämnder och"
        " bolagsstyrelser.",
    ],
    [
        "Vidare ser förvaltningen goda möjligheter att använda Kontaktcenter Stockholm till att informera"
        ' stockholmarna om stadens MR-arbete vilket är i linje med MR-programmet som lyfter att, "Exempelvis behövs'
        " kunskap inom stadens verksamheter om de nationella minoriteternas rättigheter” och “stadens verksamheter"
        " behöver informera stockholmare om deras rättigheter och stadens arbete med MR.”",
        "Vårt att notera är att serviceförvaltningen är en intäktsfinansierad verksamhet och nytillkomna uppdrag bör"
        " hanteras inom ordinarie process för uppdrag och prislista som finns etablerad mellan kommunstyrelsen och"
        " servicenämnden.",
    ],
    # respekttrappan.yaml
    [
        "Respekttrappan är ett verktyg som banken SBAB har tagit fram tillsammans med stiftelsen Make Equal.",
        "SBAB beslutade i december 2017, efter #metoo, att arbeta mot normer som utestänger människor på"
        " arbetsplatser, och Make Equal daterar verktygets tillkomst till 2018.",
        "Respekttrappan lanserades gratis i Almedalen den 2 juli 2019 på respekttrappan.se.",
        "Syftet med Respekttrappan är att genom praktiska övningar bygga kunskap om och nyfikenhet på respekt och"
        " jämställdhet, och övningarna blandar fakta och egna erfarenheter så att deltagarna reflekterar över"
        " privilegier, normer och diskrimineringsgrunderna.",
    ],
    [
        'Innan steg 1 ska gruppen läsa samtalsreglerna ("regler för schyssta samtal") och tipsen tillsammans.',
        "Själva övningarna, deras diskussionsfrågor, tidsåtgång och samtalsreglerna finns i webbverktyget på"
        " https://respekttrappan.se, och HP-assistenten återger dem inte – hämta dem alltid från verktyget.",
    ],
    [
        "Inför steg 1, Tänk!, skapar den som leder APT-punkten ett gratis konto på respekttrappan.se och hämtar"
        " övningen och samtalsreglerna därifrån.",
        "Börja punkten med att läsa samtalsreglerna tillsammans, eftersom de ska gås igenom före steg 1.",
        "Kontrollera i verktyget hur lång tid övningen behöver och boka den tiden på dagordningen, och skicka ut"
        " eventuellt material med dagordningen en vecka före APT.",
    ],
    [
        "Steg 2 i Respekttrappan, Lär!, handlar om att bygga faktakunskap.",
        "Enligt Make Equal innehåller steg 2 en kort föreläsning om härskartekniker, och enligt"
        " Jämställdhetsmyndigheten görs steget som e-utbildning, ensam eller tillsammans.",
    ],
    [
        "Steg 5 i Respekttrappan, Reflektera!, handlar om självreflektion.",
        "Steg 5 liknar steg 1, men samtalet flyttas närmare gruppens egna normer, värderingar och beteenden.",
    ],
    [
        "Inför steg 4, Upplev!, läser ledaren igenom övningen på respekttrappan.se och ser till att lokalen har"
        " plats för en fysisk övning.",
        "Tänk på tillgängligheten: alla ska kunna delta på sina egna villkor, så fråga i förväg om någon behöver"
        " anpassningar.",
        "Avsätt tid efter övningen för samtal om hur det kändes.",
    ],
]

CONSTRUCTED: list[list[str]] = [
    [
        "Lagen gäller alla diskrimineringsgrunder, dvs. kön, etnisk tillhörighet och de andra grunderna.",
        "Den trädde i kraft 2009.",
    ],
    ["Se DO:s vägledning, s. 12 och s. 14, om aktiva åtgärder.", "Där finns exempel."],
    ["Förbundet samverkar med Försäkringskassan, Arbetsförmedlingen m.fl. kring deltagarna.", "Det sker varje månad."],
    ["Mötet börjar kl. 13.00 i stora salen.", "Ta med dagordningen."],
    ["Arbetet följer 2 kap. 1 § och 3 kap. 5 § i lagen.", "Se även 3 kap. 13 §."],
    ["Kraven finns i prop. 2015/16:135 s. 40.", "Propositionen antogs 2016."],
    ["Lagen (SFS 2008:567) ändrades genom SFS 2016:828.", "Ändringen gällde aktiva åtgärder."],
    ["Det gäller bl.a. Samordningsförbundet Väst och t.ex. Finsam Göteborg.", "Båda deltar."],
    ["Insatsen har ca 30 deltagare, nr 5 i listan.", "Nästa insats har fler."],
    ["Mötet hölls den 8 nov. 2021 i Stockholm.", "Nästa möte hålls i vår."],
]

# Where sentencex (and so `sentences`) still differs from the expected split; each is
# harmless in the index, where these texts are not one paragraph of prose.
KNOWN_MISSES = {
    # Two sentences inside one quotation stay one unit (pysbd does the same).
    '<sup>1</sup> "Jämställdhet innebär',
    # Numbered decisions run into prose: in the chunk they are list lines, split_units' items.
    "Servicenämnden beslutar att 1.",
    # No split after `.”` when the quotation opened far before; in the chunk a blank line separates them.
    "Vidare ser förvaltningen goda möjligheter",
}


def _cases() -> list[object]:
    params: list[object] = []
    for case in REAL + CONSTRUCTED:
        known = any(case[0].startswith(prefix) for prefix in KNOWN_MISSES)
        marks = [pytest.mark.xfail(strict=True, reason="known sentencex miss")] if known else []
        params.append(pytest.param(case, marks=marks, id=case[0][:40]))
    return params


@pytest.mark.parametrize("expected", _cases())
def test_sentence_boundaries_of_the_documents(expected: list[str]) -> None:
    """Every boundary case from knowledge/ (and the constructed abbreviations) splits as written."""
    assert sentences(" ".join(expected)) == expected


def test_the_cases_are_many_enough() -> None:
    """The measurement rests on at least 40 real cases."""
    assert len(REAL) >= 40


@pytest.mark.parametrize(
    "sentence",
    [
        "Reglerna om aktiva åtgärder ersatte den 1 januari 2017 de tidigare kraven på jämställdhetsplaner"
        " (prop. 2015/16:135).",
        "Arbetet ska göras i fyra steg och följa upp och utvärdera arbetet (3 kap. 2–3 §§).",
        "Lagen har enligt 1 kap. 1 § till syfte att motverka diskriminering.",
        "Se SFS 2008:567, t.ex. 2 kap. 1 §, och s. 12 i propositionen.",
    ],
)
def test_references_are_not_cut(sentence: str) -> None:
    """The cuts seen in answers ("…(prop." and "…(3 kap.") no longer happen."""
    assert sentences(f"{sentence} Nästa mening börjar här.") == [sentence, "Nästa mening börjar här."]


def test_pieces_keep_their_own_spacing() -> None:
    """Joining a piece back keeps the text as written (no space added inside a URL)."""
    text = "Se https://rkrattsbaser.gov.se/sfst?bet=2008:567 för lagtexten."
    assert sentences(text) == [text]


def test_lists_stay_items_with_their_lead_in() -> None:
    """split_units still keeps list items whole, each with the line that introduces it."""
    text = "Första meningen (prop. 2015/16:135). Andra.\n\nMålen är:\n- t.ex. a\n1. b"
    assert split_units(text) == [
        (0, "", "Första meningen (prop. 2015/16:135)."),
        (0, "", "Andra."),
        (1, "Målen är:", "- t.ex. a"),
        (1, "Målen är:", "1. b"),
    ]
