"""Pure, structure-aware chunking: Markdown-ish text → `Chunk`s with heading paths.

Headings open sections; paragraphs are unwrapped (OCR text is hard-wrapped, words are
hyphenated at line ends, page breaks cut paragraphs in two); numbered and bulleted lists
stay whole together with the line that introduces them. Blocks are
packed into chunks of at most `max_chars`; only a block larger than that is split
(lists by items, prose by LangChain's recursive splitter).
"""

import hashlib
import re
from dataclasses import dataclass

from bm25s.stopwords import STOPWORDS_SWEDISH
from langchain_text_splitters import RecursiveCharacterTextSplitter

from bot.ingest.knowledge import Kind, KnowledgeDoc
from bot.ingest.sentences import sentences

MAX_CHARS = 900
# Reference lists answer nothing; their links live in the document's metadata.
SKIPPED_SECTIONS = frozenset({"källor", "referenser", "sources", "references"})
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*$")
# "e " before a capital is how OCR reads a "•" bullet.
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)]|e(?=\s+[A-ZÅÄÖ]))\s+")
# A line that only numbers the page: "12", "- 12 -", "Sida 4 (6)", "s. 3 av 8".
_PAGE_NUMBER = re.compile(
    r"^[-–\s]*(?:(?:sida|sid\.|s\.|page)\s*)?\d{1,3}(?:\s*(?:\(\d{1,3}\)|(?:av|/)\s*\d{1,3}))?[-–\s]*$", re.I
)
GLUED_SHORTER = 15  # a first line this much shorter than the wrapped line under it ends there: a heading
_FURNITURE = 4  # at most this many short blocks of running header or footer sit inside a split paragraph
_BROKEN_WORD = re.compile(r"(\w+)-\n(\w+)")
# "hem- och omsorgsarbetet": a hyphen before these words stands for a shared second half.
_SHARED_TAIL = frozenset({"och", "eller", "samt", "respektive", "resp"})


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage of one document."""

    id: str
    doc_id: str
    title: str
    section: str
    text: str
    url: str | None = None
    kind: Kind = "other"
    organisation: str = ""

    def metadata(self, fingerprint: str) -> dict[str, str]:
        """Metadata stored with the chunk in the vector store."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "section": self.section,
            "url": self.url or "",
            "kind": self.kind,
            "organisation": self.organisation,
            "fingerprint": fingerprint,
        }


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or list, with the heading path it belongs to."""

    kind: str  # "heading" | "para" | "list"
    text: str
    path: tuple[str, ...] = ()
    level: int = 0


def chunk_document(doc: KnowledgeDoc, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Split one document into chunks with stable, content-derived ids."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for path, text in _pack(parse_blocks(doc.text, doc.title), max_chars):
        if any(p.lower() in SKIPPED_SECTIONS for p in path):
            continue
        section = " › ".join(path)  # not ">", which Slack mrkdwn would show escaped
        digest = hashlib.sha256(f"{doc.id}\0{section}\0{text}".encode()).hexdigest()[:24]
        while digest in seen:  # the same passage twice in one document
            digest = hashlib.sha256(digest.encode()).hexdigest()[:24]
        seen.add(digest)
        chunks.append(Chunk(digest, doc.id, doc.title, section, text, doc.url, doc.kind, doc.organisation))
    return chunks


def parse_blocks(text: str, title: str = "") -> list[Block]:
    """Turn text into blocks, tracking the heading path (the document title excluded).

    >>> [b.kind for b in parse_blocks("# T\\n\\nIntro:\\n- a\\n- b\\n\\n## S\\n\\nText")]
    ['heading', 'list', 'heading', 'para']
    """
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    raws = [part for raw in _rejoin_pages(_raw_blocks(text)) for part in _heading_apart(raw)]
    for i, raw in enumerate(raws):
        heading = _heading(raw, raws[i + 1] if i + 1 < len(raws) else "")
        if heading is not None:
            level, name = heading
            if name.strip().lower() == title.strip().lower():
                continue
            path = [(lv, n) for lv, n in path if lv < level] + [(level, name)]
            blocks.append(Block("heading", name, tuple(n for _, n in path), level))
            continue
        current = tuple(n for _, n in path)
        lines = raw.splitlines()
        first_item = next((i for i, ln in enumerate(lines) if _LIST_ITEM.match(ln)), None)
        if first_item is None:
            blocks.append(Block("para", _unwrap(lines), current))
        elif first_item == 0 and blocks and blocks[-1].kind == "list" and blocks[-1].path == current:
            # Items separated by blank lines still form one list.
            previous = blocks.pop()
            blocks.append(Block("list", previous.text + "\n" + _list_text(lines), current))
        elif first_item == 0 and blocks and blocks[-1].kind == "para" and blocks[-1].text.endswith(":"):
            intro = blocks.pop()  # "Målen är:" belongs with its list
            blocks.append(Block("list", intro.text + "\n" + _list_text(lines), current))
        else:
            lead = _unwrap(lines[:first_item])
            body = _list_text(lines[first_item:])
            blocks.append(Block("list", f"{lead}\n{body}" if lead else body, current))
    return blocks


def _raw_blocks(text: str) -> list[str]:
    """Split on blank lines, and before Markdown headings that have no blank line."""
    out: list[str] = []
    for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\f", "\n\n")):
        current: list[str] = []
        for line in part.splitlines():
            alone = bool(_MD_HEADING.match(line.strip()) or _PAGE_NUMBER.match(line))  # a block of its own
            if alone and current:
                out.append("\n".join(current))
                current = []
            current.append(line)
            if alone:
                out.append("\n".join(current))
                current = []
        if current and "\n".join(current).strip():
            out.append("\n".join(current))
    return [b for b in out if b.strip()]


def _rejoin_pages(raws: list[str]) -> list[str]:
    """Join the halves of a paragraph that a page break cut, moving the page's furniture after it.

    The first half stops mid-sentence (no . ! ? : ; at its end) and the second starts in
    lower case, right after it or after a few short blocks (a running header or footer)
    that end in a page number. A block that only numbers the page is dropped.

    >>> _rejoin_pages(["arrangera minst ett öppet", "- 7 -", "webbinarium om icke-diskriminering."])
    ['arrangera minst ett öppet\\nwebbinarium om icke-diskriminering.']
    """
    out: list[str] = []
    i = 0
    while i < len(raws):
        skip = _furniture(raws, i) if out and _stops_mid_sentence(out[-1]) else None
        if skip is None:
            out.append(raws[i])
            i += 1
            continue
        out[-1] += "\n" + raws[i + skip]
        out += [raw for raw in raws[i : i + skip] if not _PAGE_NUMBER.match(raw)]
        i += skip + 1
    return out


def _furniture(raws: list[str], i: int) -> int | None:
    """How many blocks from `i` on stand between a cut paragraph and its second half, if any."""
    for skip in range(min(_FURNITURE, len(raws) - i - 1) + 1):
        if skip and not _short(raws[i + skip - 1]):
            return None
        page_end = skip == 0 or _PAGE_NUMBER.match(raws[i + skip - 1].splitlines()[-1])
        first = raws[i + skip].lstrip()
        continues = first[:1].islower() and not _LIST_ITEM.match(first) and not first.startswith(("http", "www."))
        if continues and page_end:
            return skip
    return None


def _stops_mid_sentence(raw: str) -> bool:
    line = raw.strip().splitlines()[-1].strip()
    furniture = _MD_HEADING.match(line) or _BOLD_LINE.match(line) or _PAGE_NUMBER.match(line)
    return not furniture and bool(re.search(r"[\w,-]$", line))


def _short(raw: str) -> bool:
    lines = raw.strip().splitlines()
    return len(lines) <= 4 and all(len(line.strip()) <= 60 for line in lines)


def _heading(raw: str, following: str) -> tuple[int, str] | None:
    line = raw.strip()
    if "\n" in line:
        return None
    if m := _MD_HEADING.match(line):
        return len(m.group(1)), m.group(2).strip("* ").strip()
    if m := _BOLD_LINE.match(line):
        return 4, m.group(1).strip()
    # A short stand-alone line in plain text ("Sammanfattning", "Mål") is a heading when
    # real text follows it; a run of short lines is an OCR list that lost its bullets.
    short = len(line) <= 60 and line[-1:] not in ".,:;!?)" and len(line.split()) <= 8
    if short and line[:1].isupper() and (len(following) >= 120 or _LIST_ITEM.match(following)):
        return 3, line
    return None


def _heading_apart(raw: str) -> list[str]:
    """Split off a heading that the text extraction glued to its paragraph: a short first line
    without end punctuation or a closing function word, well short of the wrapped line under it,
    which starts a sentence.

    >>> text = "Förvaltningens synpunkter\\nFörvaltningen anser att det är positivt att samla flera program"
    >>> [part[:25] for part in _heading_apart(text + "\\nsom rör olika aspekter av de mänskliga rättigheterna i ett.")]
    ['Förvaltningens synpunkter', 'Förvaltningen anser att d']
    >>> len(_heading_apart("Kommunstyrelsen har remitterat Stockholms stads program för de\\nmänskliga rättigheterna."))
    1
    """
    lines = raw.strip().splitlines()
    if len(lines) < 2 or _LIST_ITEM.match(lines[0]) or _LIST_ITEM.match(lines[1]):
        return [raw]
    first, second = lines[0].strip(), lines[1].strip()
    rest = "\n".join(lines[1:])
    ends_on_word = first.split()[-1].lower() not in STOPWORDS_SWEDISH  # not on "av", "för", "och": it runs on
    glued = ends_on_word and len(first) <= len(second) - GLUED_SHORTER and second[:1].isupper()
    return [first, rest] if glued and _heading(first, rest) is not None else [raw]


def _unwrap(lines: list[str]) -> str:
    """Join hard-wrapped lines into one paragraph."""
    text = ""
    for ln in lines:
        if ln.strip():
            text = _continue(text, ln) if text else ln.strip()
    return text


def _continue(text: str, line: str) -> str:
    """Append a wrapped line; a word hyphenated at the line end is one word again.

    The hyphen stays where it belongs to the word ("MR-programmet", "icke-diskriminering",
    "2018-2022") and, with its space, before a shared second half ("hem- och omsorgs-").

    >>> _continue("det obetalda hem- och omsorgs-", "arbetet")
    'det obetalda hem- och omsorgsarbetet'
    >>> [_continue(a, b) for a, b in [("hem-", "och"), ("MR-", "programmet"), ("icke-", "diskriminering")]]
    ['hem- och', 'MR-programmet', 'icke-diskriminering']
    """
    return _BROKEN_WORD.sub(_rejoin_word, f"{text.rstrip()}\n{line.strip()}").replace("\n", " ")


def _rejoin_word(match: re.Match[str]) -> str:
    head, tail = match.groups()
    if tail.lower() in _SHARED_TAIL:
        return f"{head}- {tail}"
    hyphenated = (
        not tail[0].islower()  # Huddinge-Botkyrka, 2018-2022
        or head.isupper()  # MR-programmet, ESF-projektet
        or len(head) == 1  # e-tjänst
        or any(c.isdigit() for c in head)
        or head.lower() == "icke"
    )
    return f"{head}-{tail}" if hyphenated else head + tail


def _list_text(lines: list[str]) -> str:
    """Keep list items on their own lines; unwrap continuation lines into their item."""
    items: list[str] = []
    for ln in lines:
        if _LIST_ITEM.match(ln) or not items:
            items.append(re.sub(r"^(\s*)e\s+(?=[A-ZÅÄÖ])", r"\1- ", ln.rstrip()))
        else:
            items[-1] = _continue(items[-1], ln)
    return "\n".join(items)


def _pack(blocks: list[Block], max_chars: int) -> list[tuple[tuple[str, ...], str]]:
    """Pack consecutive blocks of one section into chunks of at most `max_chars`."""
    out: list[tuple[tuple[str, ...], str]] = []
    buf: list[str] = []
    buf_path: tuple[str, ...] = ()
    for block in blocks:
        if block.kind == "heading" or block.path != buf_path:
            if buf:
                out.append((buf_path, "\n\n".join(buf)))
            buf, buf_path = [], block.path
            if block.kind == "heading":
                continue
        for piece in _split_large(block, max_chars):
            if buf and len("\n\n".join(buf)) + len(piece) + 2 > max_chars:
                out.append((buf_path, "\n\n".join(buf)))
                buf = []
            buf.append(piece)
    if buf:
        out.append((buf_path, "\n\n".join(buf)))
    return out


def _split_large(block: Block, max_chars: int) -> list[str]:
    if len(block.text) <= max_chars:
        return [block.text]
    if block.kind == "list":
        groups: list[str] = []
        for line in block.text.splitlines():
            if groups and len(groups[-1]) + len(line) + 1 <= max_chars:
                groups[-1] += "\n" + line
            else:
                groups.append(line)
        return groups
    # Between sentences ("(prop. 2015/16:135)" stays whole); a sentence longer than a passage
    # is cut by LangChain's splitter at its clauses.
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max_chars, chunk_overlap=0, separators=["; ", ", ", " "], keep_separator="end"
    )
    pieces: list[str] = []
    for sentence in sentences(block.text):
        for part in splitter.split_text(sentence):  # a sentence that fits comes back whole
            if pieces and len(pieces[-1]) + 1 + len(part) <= max_chars:
                pieces[-1] += " " + part
            else:
                pieces.append(part)
    return pieces
