"""Read knowledge/ into `KnowledgeDoc`s: one loader per format, one clear error per bad file."""

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.errors import KnowledgeFileError
from bot.ingest import yamlfile

log = logging.getLogger(__name__)

MAX_FILE_MB = 20  # default of the MAX_FILE_MB setting
MAX_CHUNKS = 2000  # chunks one document may give (knowledge/ today: at most 40)
SUFFIXES = (".md", ".txt", ".pdf", ".docx", ".yaml", ".yml")
# Part of every file's fingerprint: raise it when loading, repair or chunking changes, so the
# next `bot index` reads every file again (only chunks whose text changed are re-embedded).
INGEST_VERSION = "2026-11-30.2"
# OCR that switched to capitals inside a word: a lower-case start, then 3+ capitals.
_CAPS_TAIL = re.compile(r"\b([a-zåäöé]+)([A-ZÅÄÖÉ]{3,})\b")
# Whose words a document holds (front matter `kind`): the association's own commitment,
# another organisation's, or guidance written for HP-assistenten. Sources say which.
Kind = Literal["own", "other", "guidance"]
KINDS: tuple[Kind, ...] = ("own", "other", "guidance")


def as_kind(value: object) -> Kind:
    """Read a kind; a missing or unknown one (an older index, no front matter) is "other".

    >>> as_kind("guidance"), as_kind(None)
    ('guidance', 'other')
    """
    return next((kind for kind in KINDS if kind == value), "other")


@dataclass(frozen=True)
class KnowledgeDoc:
    """One knowledge document; `id` is the file stem, `text` is Markdown-ish plain text."""

    id: str
    title: str
    text: str
    fingerprint: str  # sha256 of the file's bytes: unchanged file, unchanged fingerprint
    metadata: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def url(self) -> str | None:
        """The document's link, when its metadata has one."""
        return self.metadata.get("url") or None

    @property
    def kind(self) -> Kind:
        """Whose words the document holds (front matter `kind`, "other" when absent)."""
        return as_kind(self.metadata.get("kind"))

    @property
    def organisation(self) -> str:
        """Who wrote the document (front matter `organisation`), "" when unknown."""
        return self.metadata.get("organisation", "")


def knowledge_files(folder: Path) -> list[Path]:
    """List the files `bot index` reads, sorted; hidden files and READMEs are skipped."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.name.startswith((".", "_"))
        and p.stem.lower() != "readme"
    )


def fingerprint(path: Path) -> str:
    """Return the sha256 of a file's bytes and of how we read them (INGEST_VERSION)."""
    return hashlib.sha256(INGEST_VERSION.encode() + path.read_bytes()).hexdigest()


def load_knowledge(
    folder: Path, skip: Callable[[Path, str], bool] = lambda _p, _f: False,
    max_bytes: int = MAX_FILE_MB * 2**20,
) -> tuple[list[KnowledgeDoc], list[KnowledgeFileError]]:
    """Load every file in `folder`; bad files become errors, the rest still load.

    Args:
        folder: the knowledge folder.
        skip: called with (path, fingerprint); True means the caller already has this
            exact file indexed, so it is not parsed again.
        max_bytes: a larger file is an error, read no further (hours of embedding otherwise).
    """
    docs: list[KnowledgeDoc] = []
    errors: list[KnowledgeFileError] = []
    seen: dict[str, Path] = {}
    for path in knowledge_files(folder):
        if path.stem in seen:  # the stem is the document id: two files cannot share it
            errors.append(
                KnowledgeFileError(str(path), f"samma namn som {seen[path.stem].name}; byt namn på en av dem")
            )
            continue
        seen[path.stem] = path
        size = path.stat().st_size
        if size > max_bytes:
            errors.append(KnowledgeFileError(
                str(path), f"filen är {size / 2**20:.3g} MB; gränsen är {max_bytes / 2**20:.3g} MB (MAX_FILE_MB)"
            ))
            continue
        digest = fingerprint(path)
        if skip(path, digest):
            continue
        try:
            docs.append(load_file(path, digest))
        except KnowledgeFileError as exc:
            errors.append(exc)
        except Exception as exc:  # a broken PDF/DOCX can raise anything from its parser
            errors.append(KnowledgeFileError(str(path), f"kunde inte läsas ({exc})"))
    return docs, errors


def load_file(path: Path, digest: str | None = None) -> KnowledgeDoc:
    """Load one file by its suffix."""
    from bot.ingest import formats  # PDF/DOCX parsers load only when needed
    from bot.ingest.ocr import needs_repair, repair_text  # the lexicon loads only when needed

    suffix = path.suffix.lower()
    loader = {
        ".md": _load_text,
        ".txt": _load_text,
        ".yaml": formats.load_yaml,
        ".yml": formats.load_yaml,
        ".pdf": formats.load_pdf,
        ".docx": formats.load_docx,
    }[suffix]
    meta, body = loader(path)
    if not body.strip():
        raise KnowledgeFileError(str(path), "filen innehåller ingen text")
    body = _CAPS_TAIL.sub(lambda m: m.group(1) + m.group(2).lower(), body)  # "deklARATIONEN"
    if suffix in (".txt", ".md", ".pdf") and needs_repair(body):
        log.info("%s: repairing lost diacritics", path.name)
        body = repair_text(body)
    title = str(meta.get("title") or _first_line(body) or path.stem)
    clean_meta = {k: _as_text(v) for k, v in meta.items() if v is not None}
    if clean_meta.get("kind", "other") not in KINDS:
        raise KnowledgeFileError(str(path), f"kind ska vara own, other eller guidance, inte {clean_meta['kind']!r}")
    return KnowledgeDoc(path.stem, title, body, digest or fingerprint(path), clean_meta)


def _load_text(path: Path) -> tuple[dict[str, object], str]:
    try:
        raw = path.read_text(encoding="utf-8-sig")  # -sig: Notepad's BOM would hide front matter
    except UnicodeDecodeError as exc:
        raise KnowledgeFileError(str(path), f"är inte UTF-8-text (byte {exc.start})") from exc
    return split_front_matter(raw, str(path))


def split_front_matter(raw: str, name: str = "<text>") -> tuple[dict[str, object], str]:
    """Split an optional YAML front-matter block off a text.

    >>> split_front_matter("---\\ntitle: A\\n---\\nBody")
    ({'title': 'A'}, 'Body')
    """
    if not raw.startswith("---\n"):
        return {}, raw
    end = raw.find("\n---\n", 3)
    if end == -1:
        raise KnowledgeFileError(name, "front matter (---) avslutas aldrig", line=1)
    meta, _ = yamlfile.load(raw[4:end], name, line_offset=1)
    if not isinstance(meta, dict):
        raise KnowledgeFileError(name, "front matter måste vara nyckel: värde-par", line=2)
    return meta, raw[end + 5 :]


def _first_line(text: str) -> str:
    for line in text.splitlines():
        cleaned = line.strip().lstrip("#").strip().strip("*").strip()
        if cleaned:
            return cleaned[:120]
    return ""


def _as_text(value: object) -> str:
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return str(value)

