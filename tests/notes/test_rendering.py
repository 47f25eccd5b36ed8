"""A note body that is one plain paragraph is rendered without the markdown parser and the sanitizer: the HTML
must be exactly what the two would have made, and anything else must still go through them."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from contactnotes.notes.rendering import _plain_paragraph, _render, render_markdown

# Letters, digits and the punctuation the shortcut takes, mixed with what makes markdown, HTML or entities.
_bodies = st.text(
    alphabet=st.one_of(
        st.sampled_from("aZé1 9 ,.;:!?'@/%-"),
        st.sampled_from('*_#>`[]()<>&"\\|~+=\n\r\t\u00a0\u2028\x00'),
        st.characters(codec="utf-8"),
    ),
    min_size=1,
    max_size=40,
)
# Mostly what the shortcut takes, so that it is taken often.
_plain_bodies = st.text(alphabet="aZé中1 9 ,.;:!?'@/%-\n*", min_size=1, max_size=40)


@settings(max_examples=600)
@given(st.one_of(_bodies, _plain_bodies))
@example("1. first")
@example("2) second")
@example("- a bullet")
@example("ok  two spaces")
@example("trailing space ")
@example("see https://example.com/x?a=1")
@example("a@b.example: done!")
@example("Déjà vu, 100% agreed; call back at 10:30.")
def test_the_shortcut_gives_the_html_of_the_full_renderer(body: str) -> None:
    plain = _plain_paragraph(body)
    if plain is not None:
        assert plain == _render(body)


def test_plain_sentences_take_the_shortcut_and_markup_does_not() -> None:
    assert _plain_paragraph("Called Jordan about the W2, agreed to send it by Friday.") is not None
    assert _plain_paragraph("@alice: 20% done - review at 3pm!") is not None
    for marked_up in ("**bold**", "1. a list", "a\nb", "<b>x</b>", "Tom & Jerry", "[x](https://a.example)"):
        assert _plain_paragraph(marked_up) is None


def test_what_a_reader_gets_is_safe_either_way() -> None:
    assert render_markdown("Agreed, thanks!") == "<p>Agreed, thanks!</p>\n"
    assert render_markdown("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
