"""Loading knowledge/: metadata, titles, one clear error per bad file, PDF/DOCX, OCR repair."""

from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from bot.errors import KnowledgeFileError
from bot.ingest.chunking import chunk_document
from bot.ingest.knowledge import knowledge_files, load_file, load_knowledge, split_front_matter
from tests.core_fixtures import KNOWLEDGE, SOURCES

GOOD_MD = """\
---
title: Rutin för lokalbokning
organisation: Samordningsförbundet
url: https://example.se/lokaler
---
# Lokaler

Lokaler bokas i bokningssystemet senast två dagar före mötet.
"""
# Line 4 is indented under a scalar: PyYAML stops there.
BAD_FRONT_MATTER = """\
---
title: Rutin
organisation: Förbundet
  typ: fel indrag
---
# Rutin

Text om rutinen.
"""
# Line 6 is indented one space short.
BAD_YAML = """\
title: Steg
intro: Text
steps:
  - number: 1
    name: Ett
   core_idea: fel indrag
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a UTF-8 file into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_pdf(path: Path, lines: list[str], title: str | None = None) -> Path:
    """Write a one-page PDF with a real text layer (Helvetica, WinAnsi: å/ä/ö included)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    ops = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
    ops += [f"({line}) Tj T*" for line in lines]
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops + ["ET"]).encode("cp1252"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_front_matter_gives_title_url_and_metadata(tmp_path: Path) -> None:
    doc = load_file(write(tmp_path, "lokaler.md", GOOD_MD))

    assert doc.id == "lokaler"
    assert doc.title == "Rutin för lokalbokning"
    assert doc.url == "https://example.se/lokaler"
    assert doc.metadata["organisation"] == "Samordningsförbundet"
    assert "organisation:" not in doc.text and doc.text.startswith("# Lokaler")
    chunk = chunk_document(doc)[0]  # what retrieval shows the user as the source
    assert (chunk.title, chunk.url, chunk.section) == (doc.title, doc.url, "Lokaler")


def test_markdown_without_front_matter_takes_its_first_heading_as_title(tmp_path: Path) -> None:
    path = write(tmp_path, "kaffe.md", "\n# Kaffemaskinen\n\nDen avkalkas varje fredag.\n")

    doc = load_file(path)

    assert doc.title == "Kaffemaskinen"
    assert doc.url is None


def test_a_utf8_bom_does_not_hide_the_front_matter(tmp_path: Path) -> None:
    # Windows Notepad saves "UTF-8 with BOM"; the front matter must still be metadata.
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff".encode() + GOOD_MD.encode())

    doc = load_file(path)

    assert doc.title == "Rutin för lokalbokning"
    assert "organisation:" not in doc.text


def test_malformed_yaml_names_file_and_line_and_the_rest_still_loads(tmp_path: Path) -> None:
    write(tmp_path, "lokaler.md", GOOD_MD)
    write(tmp_path, "rutin.md", BAD_FRONT_MATTER)
    write(tmp_path, "steg.yaml", BAD_YAML)

    docs, errors = load_knowledge(tmp_path)

    assert [d.id for d in docs] == ["lokaler"]
    found = {Path(e.path).name: e for e in errors}
    assert set(found) == {"rutin.md", "steg.yaml"}
    assert found["rutin.md"].line == 4
    assert found["steg.yaml"].line == 6
    for name, error in found.items():
        message = str(error)
        assert f"{name}:{error.line}:" in message and "YAML" in message
        assert "\n" not in message  # one clear line


def test_yaml_steps_must_have_their_fields(tmp_path: Path) -> None:
    write(tmp_path, "steg.yaml", "title: Steg\nsteps:\n  - number: 1\n    name: Ett\n")

    with pytest.raises(KnowledgeFileError) as info:
        load_file(tmp_path / "steg.yaml")

    assert "steg.yaml" in str(info.value) and "core_idea" in str(info.value)


def test_a_non_utf8_text_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Hej på dig, här är text.\n".encode("latin-1"))
    write(tmp_path, "ok.txt", "En helt vanlig textfil med några ord.\n")

    docs, errors = load_knowledge(tmp_path)

    assert [d.id for d in docs] == ["ok"]
    assert len(errors) == 1
    assert "latin1.txt" in str(errors[0]) and "UTF-8" in str(errors[0])


@pytest.mark.parametrize(
    "content",
    ["", "  \n\n\t\n", "---\ntitle: Bara metadata\n---\n"],
    ids=["empty", "blank", "only-front-matter"],
)
def test_a_file_without_text_is_an_error(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, "tom.md", content)

    with pytest.raises(KnowledgeFileError) as info:
        load_file(path)

    assert "tom.md" in str(info.value) and "ingen text" in str(info.value)


def test_a_pdf_loads_with_its_text_and_title(tmp_path: Path) -> None:
    lines = [
        "Rutin för bokning av lokaler",
        "Lokaler bokas i bokningssystemet senast två dagar före mötet.",
        "Avbokning görs av den som bokade.",
    ]
    titled = write_pdf(tmp_path / "lokaler.pdf", lines, title="Lokalbokning")
    untitled = write_pdf(tmp_path / "utan-titel.pdf", lines)

    doc = load_file(titled)

    assert doc.title == "Lokalbokning"
    assert "senast två dagar före mötet" in doc.text  # å/ä/ö intact, not "repaired"
    assert "Avbokning görs av den som bokade." in doc.text
    assert load_file(untitled).title == "Rutin för bokning av lokaler"


def test_a_pdf_without_text_layer_or_a_broken_pdf_is_reported(tmp_path: Path) -> None:
    scanned = PdfWriter()
    scanned.add_blank_page(width=595, height=842)  # an image-only scan has no text either
    with (tmp_path / "skannad.pdf").open("wb") as fh:
        scanned.write(fh)
    (tmp_path / "trasig.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    write(tmp_path, "ok.md", "# Ok\n\nEn fungerande fil.\n")

    docs, errors = load_knowledge(tmp_path)

    assert [d.id for d in docs] == ["ok"]
    messages = sorted(str(e) for e in errors)
    assert "skannad.pdf" in messages[0] and "textlager" in messages[0]
    assert "trasig.pdf" in messages[1]


def test_a_docx_keeps_headings_and_whole_lists(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Introduktion för nyanställda", level=1)
    document.add_heading("Första veckan", level=2)
    document.add_paragraph("Som ny medarbetare får du följande:")
    for item in ("en dator och ett passerkort", "en genomgång av arbetsmiljön", "en fadder"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Första dagen", level=2)
    document.add_paragraph("Så går dagen till:")
    for item in ("Möt din chef i receptionen", "Hämta ut din dator", "Lunch med gruppen"):
        document.add_paragraph(item, style="List Number")
    document.save(str(tmp_path / "intro.docx"))

    doc = load_file(tmp_path / "intro.docx")
    chunks = chunk_document(doc)

    assert doc.title == "Introduktion för nyanställda"
    assert [c.section for c in chunks] == ["Första veckan", "Första dagen"]
    assert chunks[0].text.splitlines() == [
        "Som ny medarbetare får du följande:",
        "- en dator och ett passerkort",
        "- en genomgång av arbetsmiljön",
        "- en fadder",
    ]
    assert chunks[1].text.startswith("Så går dagen till:")
    assert "Hämta ut din dator" in chunks[1].text


def test_hidden_files_readmes_and_other_formats_are_not_knowledge(tmp_path: Path) -> None:
    for name in ("README.md", ".utkast.md", "_mall.md", "tabell.csv", "a.md", "b.txt", "c.yml"):
        write(tmp_path, name, "title: x\n")

    assert [p.name for p in knowledge_files(tmp_path)] == ["a.md", "b.txt", "c.yml"]


def test_the_ocr_damaged_document_comes_out_repaired() -> None:
    doc = load_file(KNOWLEDGE / "demokratiatagande-stockholms-stad.txt")

    assert "Samordningsförbundet" in doc.text and "Samordningsforbundet" not in doc.text
    assert "åtar" in doc.text
    assert "Försäkringskassan" in doc.text and "ökad" in doc.text
    assert doc.title.startswith("Demokratiåtagande")


@pytest.mark.parametrize(
    "stem",
    [
        "demokratiatagande-botkyrka-huddinge-salem",
        "handlingsplan-jamstalldhetsintegrering",
        "strategi-icke-diskriminering-gransgangare",
    ],
)
def test_a_clean_document_is_loaded_unchanged(stem: str) -> None:
    path = KNOWLEDGE / f"{stem}.txt"
    _, body = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    body = body.replace("deklARATIONEN", "deklarationen")  # the one OCR slip in a clean document

    assert load_file(path).text == body


def test_knowledge_holds_the_source_documents_verbatim_with_metadata() -> None:
    if not SOURCES.is_dir():
        pytest.skip(f"{SOURCES} is absent: the shared source documents are not checked out")
    sources = sorted(SOURCES.glob("*.txt"))
    assert len(sources) == 5

    for source in sources:
        copy = KNOWLEDGE / source.name
        meta, body = split_front_matter(copy.read_text(encoding="utf-8"), str(copy))
        assert body == source.read_text(encoding="utf-8"), f"{copy.name} differs from its source"
        assert {"title", "organisation", "type"} <= set(meta), f"{copy.name}: {sorted(meta)}"


def test_respekttrappan_lists_its_seven_steps_in_order() -> None:
    doc = load_file(KNOWLEDGE / "respekttrappan.yaml")
    sections = list(dict.fromkeys(c.section.split(" › ")[0] for c in chunk_document(doc)))

    steps = [s for s in sections if s.startswith("Steg ")]
    assert [s.split(":")[0] for s in steps] == [f"Steg {n} av 7" for n in range(1, 8)]
    assert doc.url == "https://respekttrappan.se"
