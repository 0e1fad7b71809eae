"""Language-aware text folding and highlighting shared by the search adapters.

Folding makes `İstanbul`, `ISTANBUL`, `Istanbul` and `istanbul` one term (Python's lower() turns `İ`
into `i̇`, two code points, which breaks naive matching), folds `ё` to `е` and strips other diacritics,
so a query typed without Turkish or Russian letters still matches. Both the index and the query go
through the same function.
"""

# ruff: noqa: RUF001, RUF002 - Turkish and Russian letters are the point here

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, repeat

WORD = re.compile(r"\w+")
_DOTTED_I = {"İ": "i", "I": "i", "ı": "i"}


# The combining-mark blocks used by Latin, Greek and Cyrillic scripts (accents, breves, diaereses).
_ACCENTS = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Turkish i variants to i, case folded, compatibility-decomposed and stripped of accents."""
    for dotted, plain in _DOTTED_I.items():
        text = text.replace(dotted, plain)
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded; may be empty (an accent) or longer (ß -> ss)."""
    return fold(char)


def terms(text: str, *, limit: int = 12) -> list[str]:
    """The distinct folded words of a query, in order, at most `limit`."""
    seen: dict[str, None] = {}
    for word in WORD.findall(fold(text)):
        word = word.strip("_")
        if word:
            seen.setdefault(word, None)
        if len(seen) >= limit:
            break
    return list(seen)


class _FoldTable(dict[int, str]):
    """str.translate's table for fold_char, filled on first use of each character; remembers the
    characters that do not fold to exactly one (ß, accents), which need offsets of their own."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(folded) != 1:
            self.irregular.add(chr(code))  # before the table has it: another thread may be reading
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def folded_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """The folded text and, for each folded character, the index of the original character.

    Character by character as fold_char folds, but in C loops (str.translate): a search highlights 20
    descriptions, and a Python loop per character was most of its own CPU time."""
    folded = text.translate(_FOLD_TABLE)
    if _FOLD_TABLE.irregular.isdisjoint(text):
        return folded, range(len(text))  # every character folded to exactly one
    lengths = map(len, map(fold_char, text))
    return folded, list(chain.from_iterable(map(repeat, range(len(text)), lengths)))


def highlight(
    text: str,
    query_terms: list[str],
    *,
    fragment_chars: int = 160,
    max_fragments: int = 2,
    stem: int | None = None,
) -> list[str]:
    """Fragments of `text` around matches of the query terms, HTML-escaped, with each match wrapped in
    <mark></mark>. A term matches a whole word, or with `stem`, any word sharing its first `stem`
    characters. Returns [] when nothing matches."""
    if not query_terms or not text:
        return []
    folded, offsets = folded_with_offsets(text)
    alternatives = [
        re.escape(t[:stem]) + r"\w*" if stem is not None and len(t) >= stem else re.escape(t) + r"\b"
        for t in sorted(query_terms, key=len, reverse=True)
    ]
    pattern = re.compile(r"\b(?:" + "|".join(alternatives) + r")")
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        start = offsets[match.start()]
        end = offsets[match.end() - 1] + 1
        spans.append((start, end))
    if not spans:
        return []
    fragments: list[str] = []
    used_until = -1
    for start, _end in spans:
        if start < used_until or len(fragments) >= max_fragments:
            continue
        frag_start = max(0, start - fragment_chars // 3)
        frag_end = min(len(text), frag_start + fragment_chars)
        inside = [(s, e) for s, e in spans if s >= frag_start and e <= frag_end]
        pieces: list[str] = []
        cursor = frag_start
        for s, e in inside:
            pieces.append(html.escape(text[cursor:s]))
            pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
            cursor = e
        pieces.append(html.escape(text[cursor:frag_end]))
        fragment = "".join(pieces).replace("\n", " ").strip()
        prefix = "…" if frag_start > 0 else ""
        suffix = "…" if frag_end < len(text) else ""
        fragments.append(f"{prefix}{fragment}{suffix}")
        used_until = frag_end
    return fragments
