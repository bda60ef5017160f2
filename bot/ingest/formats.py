"""Loaders for the structured formats: YAML (Respekttrappan's steps), PDF and DOCX.

Each returns (metadata, Markdown-ish text) so that chunking sees headings and lists.
"""

from pathlib import Path

from bot.errors import KnowledgeFileError
from bot.ingest import respekttrappan, yamlfile

Loaded = tuple[dict[str, object], str]
_META_KEYS = ("title", "organisation", "type", "date", "url", "sources", "kind")


def load_yaml(path: Path) -> Loaded:
    """Load a YAML knowledge file: metadata keys, an `intro`, and `steps` or `sections`.

    A file with `steps` is Respekttrappan's, validated by its model like the APT posts read it.
    """
    data, root = yamlfile.load(path.read_text(encoding="utf-8"), str(path))
    if not isinstance(data, dict):
        raise KnowledgeFileError(str(path), "YAML-filen måste vara en mappning med title", line=1)
    meta = {k: data[k] for k in _META_KEYS if k in data}
    parts = [f"# {data.get('title', path.stem)}"]
    if data.get("intro"):
        parts.append(str(data["intro"]).strip())
    if data.get("steps"):
        parts += [_render_step(s) for s in respekttrappan.validate(data, root, str(path)).steps]
    for section in data.get("sections") or []:
        if not isinstance(section, dict) or "heading" not in section:
            raise KnowledgeFileError(str(path), "varje sektion behöver heading och text")
        parts.append(f"## {section['heading']}\n\n{str(section.get('text', '')).strip()}")
    return meta, "\n\n".join(parts) + "\n"


def _render_step(step: respekttrappan.Step) -> str:
    """Render one step as a section, so that chunking keeps each step apart."""
    lines = [f"## Steg {step.number} av {respekttrappan.STEPS}: {step.name}", ""]
    lines.append(step.core_idea.strip())
    if step.at_apt.strip():
        lines += ["", "### På APT", "", step.at_apt.strip()]
    if step.url:
        lines += ["", f"Övningen för steg {step.number} finns i verktyget: {step.url}"]
    return "\n".join(lines)


def load_pdf(path: Path) -> Loaded:
    """Extract the text of a PDF page by page; a PDF without a text layer is an error."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    if not text.strip():
        raise KnowledgeFileError(str(path), "PDF:en saknar textlager (skannad bild?)")
    title = reader.metadata.title if reader.metadata is not None else None
    meta: dict[str, object] = {}
    if title:
        meta["title"] = title
    return meta, text


def load_docx(path: Path) -> Loaded:
    """Extract a Word document, keeping headings (as #) and list items (as -)."""
    import docx

    document = docx.Document(str(path))
    lines: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style.startswith("heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            lines += ["", "#" * min(level + 1, 6) + " " + text, ""]
        elif "list" in style:
            lines.append(f"- {text}")
        else:
            lines += ["", text, ""]
    meta: dict[str, object] = {}
    if document.core_properties.title:
        meta["title"] = document.core_properties.title
    return meta, "\n".join(lines).strip() + "\n"
