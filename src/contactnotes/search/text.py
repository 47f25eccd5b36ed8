"""Folding, words and highlighting, in Python: the same rules the database indexes apply (migration 0015),
used to split a query into words and to mark where a hit matched. Pure functions, no I/O."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Letters the Unicode decomposition leaves alone but PostgreSQL's unaccent folds.
_EXTRA = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# A word: letters and digits (no underscore), except that each CJK character is a word of its own.
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+")


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_EXTRA)


def fold(text: str) -> str:
    return text.lower() if text.isascii() else "".join(fold_char(c) for c in text)


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def words(text: str) -> list[str]:
    """The words of a piece of query text, as typed (the database folds them itself)."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


@dataclass(frozen=True, slots=True)
class Word:
    folded: str
    start: int  # span in the original text
    end: int


def indexed_words(text: str) -> list[Word]:
    """The words of a stored text, folded, with where each lies in the original."""
    if text.isascii():  # most notes: folding is lower(), and positions do not move
        return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text.lower())]
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in fold_char(char):
            folded.append(piece)
            origin.append(index)
    joined = "".join(folded)
    return [Word(m.group(), origin[m.start()], origin[m.end() - 1] + 1) for m in _WORD.finditer(joined) if m.group()]


@dataclass(frozen=True, slots=True)
class Needle:
    """One positive term of a query, folded: consecutive words, the last matched as a prefix when `prefix`."""

    words: tuple[str, ...]
    prefix: bool


def find_spans(text_words: Sequence[Word], needles: Sequence[Needle]) -> list[tuple[int, int]]:
    """Spans of the original text where any needle matches, in order, not overlapping."""
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(text_words):
        for needle in needles:
            n = len(needle.words)
            if n == 1:  # the common case, without building a window
                wanted = needle.words[0]
                if word.folded.startswith(wanted) if needle.prefix else word.folded == wanted:
                    spans.append((word.start, word.end))
                    break
                continue
            if i + n > len(text_words):
                continue
            window = text_words[i : i + n]
            exact = all(w.folded == x for w, x in zip(window[:-1], needle.words[:-1], strict=True))
            last = window[-1].folded
            wanted = needle.words[-1]
            if exact and (last.startswith(wanted) if needle.prefix else last == wanted):
                spans.append((window[0].start, window[-1].end))
                break
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# In ASCII text a word is [a-z0-9]+ once lowered, and lowering moves no position: the needles can be one regular
# expression run over the whole text in C, instead of a Python loop over its words (most notes are ASCII; a
# page of 25 hits spent most of its time there). Each alternative is tried, in the needles' order, at every
# start of a word (the lookahead lets matches overlap, as the loop's do), and merged the same way.
_ASCII_WORD = "[a-z0-9]"


@lru_cache(maxsize=256)
def _ascii_pattern(needles: tuple[Needle, ...]) -> re.Pattern[str] | None:
    alternatives = []
    for needle in needles:
        if not needle.words or not all(w.isascii() and w.isalnum() for w in needle.words):
            continue  # a word with letters outside ASCII cannot match ASCII text
        body = "(?:[^a-z0-9]+)".join(re.escape(w) for w in needle.words)
        body += f"{_ASCII_WORD}*" if needle.prefix else f"(?!{_ASCII_WORD})"
        alternatives.append(body)
    if not alternatives:
        return None
    return re.compile(f"(?<!{_ASCII_WORD})(?=({'|'.join(alternatives)}))")


def spans_in(text: str, needles: Sequence[Needle]) -> list[tuple[int, int]]:
    """Spans of `text` where any needle matches, in order, not overlapping: find_spans over its indexed words."""
    if not text.isascii():
        return find_spans(indexed_words(text), needles)
    pattern = _ascii_pattern(tuple(needles))
    if pattern is None:
        return []
    merged: list[tuple[int, int]] = []
    for match in pattern.finditer(text.lower()):
        start, end = match.span(1)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def word_count(text: str) -> int:
    return len(_WORD.findall(text.lower())) if text.isascii() else len(indexed_words(text))


def snippet(text: str, spans: Sequence[tuple[int, int]], *, width: int = 200) -> str:
    """About `width` characters of `text` around its first match, the matches in <mark>, everything else
    escaped; an ellipsis where the text was cut. Without matches, the start of the text."""
    lead = width // 4
    begin = max(0, spans[0][0] - lead) if spans else 0
    if begin:  # start at a word boundary rather than inside a word
        space = text.find(" ", begin, spans[0][0])
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", max(begin, end - 30), end)
        end = space if space > (spans[0][1] if spans else begin) else end
    out = ["…" if begin else ""]
    cursor = begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return _SPACES.sub(" ", "".join(out))
