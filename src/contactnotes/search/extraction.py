"""The text of an attached file, for the search index: PDF (pypdf), DOCX and ODT (zip + XML, read with the
standard library), plain text and CSV. Pure and synchronous: the worker runs it in a thread, bounded in
time, and never for a request."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

MAX_TEXT_CHARS = 100_000  # what is indexed of one file: a tsvector holds at most 1 MB
MAX_PDF_PAGES = 200
MAX_XML_BYTES = 20_000_000  # the unpacked document part of a DOCX or ODT (a zip bomb stops here)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = ("text/plain", "text/csv")
EXTRACTED = (PDF, DOCX, ODT, *TEXT)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


class Unreadable(Exception):
    """The bytes are not a readable file of their type (damaged, encrypted, not what the type says)."""


def supported(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in EXTRACTED


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL; the bound keeps one file's index entry within the tsvector limit.
    return text.replace("\x00", " ")[:MAX_TEXT_CHARS]


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted PDF")
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            part = page.extract_text() or ""
            parts.append(part)
            size += len(part)
            if size >= MAX_TEXT_CHARS:
                break
        return "\n".join(parts)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise Unreadable(f"PDF: {exc}") from exc


def _xml_part(data: bytes, name: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(name)
            if info.file_size > MAX_XML_BYTES:
                raise Unreadable(f"{name} is larger than {MAX_XML_BYTES} bytes unpacked")
            with archive.open(info) as part:
                return part.read(MAX_XML_BYTES + 1)[:MAX_XML_BYTES]
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError) as exc:
        raise Unreadable(f"not a readable archive: {exc}") from exc


def _paragraphs(xml: bytes, paragraphs: set[str], texts: set[str] | None) -> str:
    """The document's paragraphs, one per line. `texts`: the elements that hold a paragraph's text (DOCX's
    w:t, leaving out field codes and deleted runs); None: all the text inside the paragraph (ODT)."""
    try:
        lines: list[str] = []
        current: list[str] = []
        # ElementTree resolves no external entities, and expat (2.4.1+) refuses entity-expansion bombs;
        # the archive member was already bounded in size.
        for _, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):  # noqa: S314
            if texts is not None and element.tag in texts:
                current.append(element.text or "")
            elif element.tag in paragraphs:
                lines.append("".join(current) if texts is not None else "".join(element.itertext()))
                current = []
                element.clear()
        return "\n".join(lines)
    except ElementTree.ParseError as exc:
        raise Unreadable(f"XML: {exc}") from exc


def extract(content_type: str, data: bytes) -> str:
    """The text of a file of a supported type; Unreadable when the bytes cannot be read as that type."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == PDF:
        text = _pdf(data)
    elif kind == DOCX:
        text = _paragraphs(_xml_part(data, "word/document.xml"), {f"{_W}p"}, {f"{_W}t"})
    elif kind == ODT:
        text = _paragraphs(_xml_part(data, "content.xml"), {f"{_ODF_TEXT}h", f"{_ODF_TEXT}p"}, None)
    elif kind in TEXT:
        text = data.decode("utf-8-sig", errors="replace")
    else:
        raise Unreadable(f"{kind} is not a type whose text is extracted")
    return _clean(text)
