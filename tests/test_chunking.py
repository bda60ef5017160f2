"""Chunking: heading paths, whole lists with their lead-in, size limits and stable ids."""

from bot.ingest.chunking import chunk_document
from bot.ingest.knowledge import KnowledgeDoc

HANDBOOK = """\
# Personalhandbok

## Arbetstid

Kontoret är öppet vardagar mellan åtta och fem.

### Flextid

Flextiden gäller mellan sju och nio på morgonen.

Reglerna för flex är:
- du registrerar tiden själv
- plus och minus får vara högst tio timmar
- saldot stäms av varje månad

## Resor

Så här bokar du en resa:

1. Fyll i reseräkningen.
2. Låt chefen godkänna den.
3. Boka via resebyrån.

## Källor

- https://example.se/handbok
"""


def doc(text: str, doc_id: str = "handbok", title: str = "Personalhandbok") -> KnowledgeDoc:
    """A knowledge document as the loaders produce it."""
    return KnowledgeDoc(doc_id, title, text, fingerprint="test")


def by_section(text: str, max_chars: int = 900) -> dict[str, list[str]]:
    """Chunk texts grouped by their section path."""
    out: dict[str, list[str]] = {}
    for chunk in chunk_document(doc(text), max_chars):
        out.setdefault(chunk.section, []).append(chunk.text)
    return out


def test_headings_give_the_section_path_without_the_title() -> None:
    chunks = chunk_document(doc(HANDBOOK))

    assert [c.section for c in chunks] == ["Arbetstid", "Arbetstid › Flextid", "Resor"]
    assert all((c.doc_id, c.title) == ("handbok", "Personalhandbok") for c in chunks)


def test_a_reference_list_is_not_a_passage() -> None:
    assert not any("example.se" in c.text for c in chunk_document(doc(HANDBOOK)))


def test_a_bulleted_list_stays_whole_with_its_lead_in() -> None:
    [flex] = by_section(HANDBOOK)["Arbetstid › Flextid"]

    assert "Reglerna för flex är:\n- du registrerar tiden själv\n" in flex
    assert flex.endswith("- saldot stäms av varje månad")


def test_a_numbered_list_stays_whole_even_when_its_items_are_spread_out() -> None:
    # Blank lines between the items, and a chunk size that forces the list to its own chunk.
    text = (
        "## Resor\n\nBokningen tar tid.\n\n"
        "Så här bokar du en resa:\n\n1. Fyll i.\n\n2. Godkänn.\n\n3. Boka.\n"
    )

    chunks = by_section(text, max_chars=60)["Resor"]

    assert "Så här bokar du en resa:\n1. Fyll i.\n2. Godkänn.\n3. Boka." in chunks


def test_hard_wrapped_lines_are_joined_into_one_paragraph() -> None:
    text = "Detta är en mening som\nbröts av skannern mitt i\nrader.\n"

    [[passage]] = by_section(text).values()

    assert passage == "Detta är en mening som bröts av skannern mitt i rader."


def test_a_long_paragraph_is_split_under_max_chars_at_sentence_ends() -> None:
    sentences = [f"Mening nummer {i} handlar om något annat än de andra." for i in range(40)]
    text = "## Lång\n\n" + " ".join(sentences) + "\n"

    chunks = by_section(text, max_chars=300)["Lång"]

    assert len(chunks) > 5
    assert all(len(c) <= 300 for c in chunks)
    assert all(c.endswith(".") for c in chunks)  # no sentence cut in half
    assert " ".join(chunks) == " ".join(sentences)  # nothing lost, nothing repeated


def test_a_long_paragraph_is_never_cut_after_an_abbreviation_or_inside_a_reference() -> None:
    filler = "Arbetsgivaren ska undersöka risker och analysera orsakerna till dem. " * 4
    last = "Reglerna ersatte 2017 de tidigare kraven på jämställdhetsplaner (prop. 2015/16:135)."
    text = "## Aktiva åtgärder\n\n" + filler + last + " Se också 3 kap. 2 § om detta.\n"

    # Room for the filler and "… (prop." but not for "2015/16:135).": a cut at ". " falls inside the reference.
    limit = len(filler) + last.index("2015/16") + 2
    chunks = by_section(text, max_chars=limit)["Aktiva åtgärder"]

    assert any(last in c for c in chunks)  # "(prop." and "2015/16:135)" in one passage
    assert not any(c.endswith(("prop.", "kap.")) for c in chunks)
    assert " ".join(chunks) == (filler + last + " Se också 3 kap. 2 § om detta.").strip()


def test_chunk_ids_are_stable_and_follow_the_text() -> None:
    first = [c.id for c in chunk_document(doc(HANDBOOK))]
    again = [c.id for c in chunk_document(doc(HANDBOOK))]
    edited = [c.id for c in chunk_document(doc(HANDBOOK.replace("tio timmar", "tolv timmar")))]

    assert first == again
    assert len(set(first)) == len(first)
    # Only the Flextid chunk changed: the other sections keep their ids.
    assert edited[0] == first[0] and edited[2] == first[2]
    assert edited[1] != first[1]


def test_the_same_text_in_another_document_gets_another_id() -> None:
    mine = chunk_document(doc(HANDBOOK))
    theirs = chunk_document(doc(HANDBOOK, doc_id="kopia"))

    assert not {c.id for c in mine} & {c.id for c in theirs}


def test_a_repeated_passage_in_one_document_gets_two_ids() -> None:
    text = "## A\n\nSamma stycke.\n\n## B\n\nAnnat.\n\n## A\n\nSamma stycke.\n"

    chunks = chunk_document(doc(text))

    assert [c.section for c in chunks] == ["A", "B", "A"]
    assert len({c.id for c in chunks}) == 3


def test_plain_text_headings_are_recognised() -> None:
    # OCR'd .txt documents have no Markdown: a short line before real text is a heading.
    body = "Förbundet ska arbeta för en arbetsmarknad fri från diskriminering, " * 3
    text = f"Sammanfattning\n\n{body.strip()}\n"

    assert list(by_section(text)) == ["Sammanfattning"]


def test_a_heading_glued_to_its_paragraph_is_a_heading_not_the_first_words_of_a_quote() -> None:
    # PDF text often has no blank line after a heading: "Serviceförvaltningens synpunkter och förslag"
    # was quoted as the start of the sentence under it.
    text = (
        "Serviceförvaltningens synpunkter och förslag\n"
        "Förvaltningen anser att det är positivt att samla flera program som\n"
        "rör olika aspekter av de mänskliga rättigheterna i ett eftersom det\n"
        "underlättar styrning, uppföljning och tillämpning.\n"
    )

    assert by_section(text) == {
        "Serviceförvaltningens synpunkter och förslag": [
            "Förvaltningen anser att det är positivt att samla flera program som rör olika aspekter av de "
            "mänskliga rättigheterna i ett eftersom det underlättar styrning, uppföljning och tillämpning."
        ]
    }


def test_a_short_first_line_that_runs_on_is_no_heading() -> None:
    # Wrapped early before a name, or a sentence that goes on in lower case: one paragraph.
    text = (
        "Projektet drivs av\n"
        "Samordningsförbundet Väst tillsammans med Finsam Göteborg och med stöd av\n"
        "Europeiska socialfonden, som medfinansierar projektets arbete under tre år.\n"
    )

    assert list(by_section(text)) == [""]


def paragraphs(text: str) -> list[str]:
    """The paragraph and list texts that `parse_blocks` finds."""
    from bot.ingest.chunking import parse_blocks

    return [b.text for b in parse_blocks(text) if b.kind != "heading"]


def test_a_paragraph_cut_by_a_page_break_is_joined() -> None:
    # demokratiatagande-botkyrka-huddinge-salem: the page ended after "öppet".
    first = "Konkret görs detta genom att arrangera minst ett öppet"
    second = "webbinarium i syfte att öka kunskapen om icke-diskriminering."
    joined = f"{first} {second}"

    assert paragraphs(f"{first}\n\n{second}\n") == [joined]
    assert paragraphs(f"{first}\n\f{second}\n") == [joined]
    assert paragraphs(f"{first}\n\n- 7 -\n\n{second}\n") == [joined]
    assert paragraphs(f"{first}\n12\n{second}\n") == [joined]


def test_a_running_header_between_the_halves_moves_after_the_paragraph() -> None:
    # remissvar-mr-programmet-serviceforvaltningen, page 3 → 4.
    text = (
        "Dock anser förvaltningen\n\n\n\n-4l Stockholms\n@ stad\n\n"
        "Remiss av Stockholms stads program för\nde mänskliga rättigheterna, KS 2023/1159\n\n"
        "Tjänsteutlåtande\nDnr SF 2024/444\nSida 4 (6)\n\n"
        "att det är nödvändigt att handlingsplaner tas fram.\n"
    )

    found = paragraphs(text)

    assert found[0] == "Dock anser förvaltningen att det är nödvändigt att handlingsplaner tas fram."
    assert "Tjänsteutlåtande Dnr SF 2024/444" in found
    assert not any("Sida 4" in p for p in found)


def test_finished_sentences_lists_and_headings_are_not_joined() -> None:
    text = (
        "Syftet är att öka kunskapen om en inkluderande arbetsmarknad.\n\n"
        "politiker och tjänstepersoner hos våra medlemmar (t.ex. demokratidag)\n\n"
        "MR-programmet innehåller tre fokusområden\n\n"
        "e Kunskap och information\n\ne Välfärd och service\n"
    )

    found = paragraphs(text)

    assert found[:2] == [
        "Syftet är att öka kunskapen om en inkluderande arbetsmarknad.",
        "politiker och tjänstepersoner hos våra medlemmar (t.ex. demokratidag)",
    ]
    assert found[2] == "- Kunskap och information\n- Välfärd och service"  # under its heading


def test_words_hyphenated_at_line_ends_are_rejoined() -> None:
    text = (
        "jämn fördelning av det obetalda hem- och omsorgs-\narbetet, hälso-\noch sjukvård samt fri-\n"
        "och rättigheter i MR-\nprogrammet om icke-\ndiskriminering 2018-\n2022 i Huddinge-\nBotkyrka"
    )

    [found] = paragraphs(text)

    assert found == (
        "jämn fördelning av det obetalda hem- och omsorgsarbetet, hälso- och sjukvård samt fri- och"
        " rättigheter i MR-programmet om icke-diskriminering 2018-2022 i Huddinge-Botkyrka"
    )


def test_a_hyphenated_word_inside_a_list_item_is_rejoined() -> None:
    text = "Programmen:\n- Program för ett jämställt Stockholm (Dnr 434-\n21/2017) och omsorgs-\narbete\n"

    [found] = paragraphs(text)

    assert found == "Programmen:\n- Program för ett jämställt Stockholm (Dnr 434-21/2017) och omsorgsarbete"
