"""Server-made keys and safe names."""

from __future__ import annotations

import re
from datetime import date

import pytest

from contactnotes.attachments.keys import new_key, safe_name
from contactnotes.storage import check_key


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("w2.pdf", "w2.pdf"),
        ("Über Plan (v2).PDF", "Uber-Plan-v2.PDF"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\scan.jpg", "scan.jpg"),
        ("..", "file"),
        (".bashrc", "file.bashrc"),
        ("報告.pdf", "file.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_safe_names(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_keys_are_per_organization_dated_random_and_safe() -> None:
    first = new_key("65b1f0a2c3d4e5f6a7b8c9d0", "../Tax return.pdf", date(2026, 5, 18))
    second = new_key("65b1f0a2c3d4e5f6a7b8c9d0", "../Tax return.pdf", date(2026, 5, 18))
    assert re.fullmatch(r"orgs/65b1f0a2c3d4e5f6a7b8c9d0/uploads/2026-05-18/[0-9a-f]{16}-Tax-return.pdf", first)
    assert first != second
    assert check_key(first) == first
