"""A corpus of XSS vectors (OWASP's filter-evasion cheat sheet, plus markdown link tricks) sent as note bodies:
the rendered `noteHtml` carries no active content, whether answered by POST or read back by GET."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import httpx

from tests.dialects.tether.support import create_note, fixture
from tests.factories import World

VECTORS = fixture("xss_vectors.json")
CORPUS: list[str] = VECTORS["owasp_filter_evasion"] + VECTORS["markdown_links"]

# What safe note HTML may contain at all (markdown's own output).
SAFE_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "rel", "start", "style"}
NEVER = {"script", "style", "iframe", "img", "svg", "math", "object", "embed", "link", "meta", "base", "form"}
LINK_REL = "noopener noreferrer nofollow"
# Browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:" runs).
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:")


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NEVER or tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name not in SAFE_ATTRIBUTES:
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            if name == "style" and value not in {"text-align: left", "text-align: right", "text-align: center"}:
                self.problems.append(f"style {value!r}")
        if tag == "a":
            href = _IGNORED_IN_SCHEME.sub("", html.unescape(values.get("href") or "")).lower()
            if href.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"link to {href!r}")
            if ":" in href.split("/")[0] and not href.startswith(("http:", "https:", "mailto:")):
                self.problems.append(f"link with scheme {href!r}")
            if values.get("rel") != LINK_REL:
                self.problems.append(f"link rel {values.get('rel')!r}")

    handle_startendtag = handle_starttag


def audit(note_html: str) -> list[str]:
    parser = Audit()
    parser.feed(note_html)
    parser.close()
    lowered = note_html.lower()
    problems = parser.problems
    problems += [f"raw {needle!r}" for needle in ("<script", "<style", "<iframe", "<img") if needle in lowered]
    return problems


def test_the_corpus_is_big_enough() -> None:
    assert len(VECTORS["owasp_filter_evasion"]) >= 50
    assert len(set(CORPUS)) == len(CORPUS)


def test_the_audit_catches_what_it_must() -> None:
    # The checker itself must be able to fail.
    assert audit('<p><a href="javascript:alert(1)" rel="noopener noreferrer nofollow">x</a></p>')
    assert audit('<p><a href="jav&#x09;ascript:alert(1)" rel="noopener noreferrer nofollow">x</a></p>')
    assert audit('<p><a href="https://example.com">x</a></p>')
    assert audit('<p onclick="x()">x</p>')
    assert audit("<img src=x>")
    assert not audit('<p><a href="https://example.com" rel="noopener noreferrer nofollow">x</a></p>')


async def test_no_vector_survives_post_then_get(client: httpx.AsyncClient, world: World) -> None:
    failures: dict[str, list[str]] = {}
    for vector in CORPUS:
        created = await create_note(client, world.alice, world.contact.oid, note=vector)
        assert created["note"] == vector  # the markdown is kept as written; only its rendering is cleaned
        read = await client.get(f"/api/contact-notes/{created['_id']}", headers=world.bob.headers)
        assert read.status_code == 200
        assert read.json()["data"]["noteHtml"] == created["noteHtml"]
        problems = audit(created["noteHtml"])
        if problems:
            failures[vector] = problems
    assert not failures, failures


async def test_safe_links_stay_usable(client: httpx.AsyncClient, world: World) -> None:
    note = await create_note(
        client,
        world.alice,
        world.contact.oid,
        note="[site](https://example.com/a?b=1) and [mail](mailto:j@example.net)",
    )
    assert note["noteHtml"] == (
        f'<p><a href="https://example.com/a?b=1" rel="{LINK_REL}">site</a> and '
        f'<a href="mailto:j@example.net" rel="{LINK_REL}">mail</a></p>\n'
    )
