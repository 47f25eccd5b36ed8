"""Bytes of real-looking files for upload tests (libmagic recognizes each)."""

from __future__ import annotations

PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PDF_TAIL = b"\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'


def pdf_bytes(size: int = 4096, seed: int = 0) -> bytes:
    """A PDF of exactly `size` bytes; different seeds give different bytes."""
    filler_length = size - len(PDF_HEAD) - len(PDF_TAIL)
    assert filler_length >= 0
    pattern = f"% filler {seed} ".encode()
    filler = (pattern * (filler_length // len(pattern) + 1))[:filler_length]
    return PDF_HEAD + filler + PDF_TAIL
