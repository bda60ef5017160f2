"""Properties of the chunker on generated documents of real Swedish words."""

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest.chunking import _SHARED_TAIL, chunk_document
from bot.ingest.knowledge import KnowledgeDoc

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
# Words of the knowledge base (letters only, so no line of them reads as a page number or a bullet).
WORDS = sorted({w for f in KNOWLEDGE.glob("*.md") for w in re.findall(r"\b[^\W\d_]{2,}\b", f.read_text("utf-8"))})
WORD = st.sampled_from(WORDS)
HEADING = st.lists(WORD, min_size=1, max_size=3).map(lambda ws: " ".join(ws).capitalize())


@st.composite
def paragraph(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A hard-wrapped paragraph, some words hyphenated at a line end; returns (text, its words)."""
    words = draw(st.lists(WORD, min_size=1, max_size=40))
    # No full stop only after a lower-case start: a short capitalised line before long text is
    # read as a plain-text heading, by design.
    ends = [".", "!", ":", ""] if words[0][:1].islower() else [".", "!", ":"]
    words[-1] += draw(st.sampled_from(ends))
    out = ""
    for i, word in enumerate(words):
        gap = " " if i else ""
        if i and draw(st.integers(0, 7)) == 0:
            gap = "\n"
        head = draw(st.integers(2, max(2, len(word) - 1)))
        tail = word[head:]
        breakable = len(word) > 4 and head < len(word) and tail[:1].islower() and tail.isalpha()
        breakable = breakable and not word[:head].isupper() and word[:head].lower() != "icke"
        if breakable and tail.rstrip(".!:").lower() not in _SHARED_TAIL and draw(st.integers(0, 5)) == 0:
            word = f"{word[:head]}-\n{tail}"  # OCR'd text: hyphenated at the line end
        out += gap + word
    return out, words


@st.composite
def list_block(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """An introduced bulleted or numbered list; returns (text, its words, its items)."""
    intro = draw(st.lists(WORD, min_size=1, max_size=8))
    intro[0], intro[-1] = intro[0].capitalize(), intro[-1] + ":"  # lower case would continue the item before
    items = draw(st.lists(st.lists(WORD, min_size=1, max_size=25).map(" ".join), min_size=1, max_size=8))
    numbered = draw(st.booleans())
    lines = [f"{i + 1}. {item}" if numbered else f"- {item}" for i, item in enumerate(items)]
    words = intro + [w for line in lines for w in line.split()]
    return " ".join(intro) + "\n" + "\n".join(lines), words, lines


@st.composite
def document(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Markdown: sections with nested headings, paragraphs and lists.

    Returns the text, the expected (section path, word) sequence and the list items.
    """
    text, expected, items = "", [], []
    path: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        level = draw(st.integers(2, min(4, len(path) + 2)))
        name = draw(HEADING.filter(lambda h: h.lower() not in {"källor", "referenser", "sources", "references"}))
        path = path[: level - 2] + [name]
        text += f"{'#' * level} {name}\n\n"
        section = " › ".join(path)
        for _ in range(draw(st.integers(0, 4))):
            if draw(st.booleans()):
                block, words = draw(paragraph())
            else:
                block, words, lines = draw(list_block())
                items += lines
            text += block + "\n\n"
            expected += [(section, w) for w in words]
    return text, expected, items


FEW = settings(max_examples=40)  # each document is up to a few thousand characters


def chunks_of(text: str, max_chars: int) -> list:
    return chunk_document(KnowledgeDoc("dok", "Titeln", text, fingerprint="f"), max_chars)


@FEW
@given(document(), st.integers(80, 900))
def test_every_word_is_kept_in_order_under_its_heading(doc: tuple, max_chars: int) -> None:
    text, expected, _ = doc
    found = [(c.section, w) for c in chunks_of(text, max_chars) for w in c.text.split()]
    assert found == expected


@FEW
@given(document(), st.integers(80, 900))
def test_chunks_keep_the_size_limit_and_list_items_whole(doc: tuple, max_chars: int) -> None:
    text, _, items = doc
    chunks = chunks_of(text, max_chars)
    for chunk in chunks:
        # Only one line of a list (an item, never cut, maybe continued after a page break, or
        # the line that introduces the list) may be longer than the limit.
        list_line = chunk.text.endswith(":") or any(chunk.text.startswith(i) for i in items)
        one_line = "\n" not in chunk.text and list_line
        assert len(chunk.text) <= max_chars or one_line, chunk.text
    # An item may go on in a lower-case paragraph after the list (a page break cut it), never shorter.
    lines = [line for c in chunks for line in c.text.splitlines()]
    assert all(any(line.startswith(item) for line in lines) for item in items)


@FEW
@given(document(), st.integers(80, 900))
def test_ids_are_deterministic_unique_and_per_document(doc: tuple, max_chars: int) -> None:
    text = doc[0]
    first, again = chunks_of(text, max_chars), chunks_of(text, max_chars)
    assert first == again
    ids = [c.id for c in first]
    assert len(set(ids)) == len(ids)
    other = chunk_document(KnowledgeDoc("annan", "Titeln", text, fingerprint="f"), max_chars)
    assert not set(ids) & {c.id for c in other}
