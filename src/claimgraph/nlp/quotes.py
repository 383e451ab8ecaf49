"""Quote pairing: the one place that decides where quotations start and end.

News text mixes curly and straight, double and single quotation marks, and often leaves a
quote open at the end of a paragraph when the same speaker goes on in the next one. Pairing
is done paragraph by paragraph: a quote still open at the end of its paragraph ends there
(the next paragraph usually reopens it), so an unbalanced mark never swallows the rest of an
article. Apostrophes (don't, the ’90s, Jones’) are told apart from single quotes by their
neighbours. Nothing here raises on any input.
"""

from __future__ import annotations

import re

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
_PARAGRAPH = re.compile(r"[^\n]+")
# where an ambiguous mark opens a quote: at the start, or after space, an opening bracket or
# dash, or another quote mark
_OPENER_BEFORE = set(" \t([{—–-/“‘\"'")


def _is_opening(text: str, i: int, para_start: int) -> bool:
    prev = text[i - 1] if i > para_start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return prev in _OPENER_BEFORE and not nxt.isspace()


def _is_closing_single(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    # an apostrophe sits between letters (don’t) or after s at a word end (voters’ choice);
    # a closing quote follows a letter or punctuation and is followed by space or punctuation
    if nxt.isalnum():
        return False
    return not prev.isspace()


def _pair_double(text: str, start: int, end: int) -> list[tuple[int, int]]:
    quotes: list[tuple[int, int]] = []
    open_at: int | None = None
    i = start
    while i < end:
        ch = text[i]
        width = 1
        if text.startswith(("''", "``"), i):
            ch, width = '"', 2  # typewriter-style doubled single quotes act as one mark
        if ch in OPEN_DOUBLE:
            if open_at is not None and i > open_at + 1:
                # a second opener while one is open: the first was never closed
                quotes.append((open_at, _trim_end(text, open_at, i)))
            open_at = i
        elif ch in CLOSE_DOUBLE:
            if open_at is not None:
                quotes.append((open_at, i + 1))
                open_at = None
        elif ch == '"':
            if open_at is None:
                open_at = i
            elif _is_opening(text, i, start) and text[open_at] not in "\"'`" and i > open_at + 1:
                quotes.append((open_at, _trim_end(text, open_at, i)))
                open_at = i
            else:
                quotes.append((open_at, i + width))
                open_at = None
        i += width
    if open_at is not None and end - open_at > 1:
        quotes.append((open_at, _trim_end(text, open_at, end)))
    return quotes


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return end


def _pair_single(
    text: str, start: int, end: int, inside: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    quotes: list[tuple[int, int]] = []
    open_at: int | None = None
    j = 0
    for i in range(start, end):
        while j < len(inside) and inside[j][1] <= i:
            j += 1
        if j < len(inside) and inside[j][0] <= i:
            continue  # single marks nested in a double quote belong to it
        ch = text[i]
        if ch not in "‘’'":
            continue
        if open_at is None:
            if ch in "‘'" and _is_opening(text, i, start):
                open_at = i
        elif ch in "’'" and _is_closing_single(text, i):
            quotes.append((open_at, i + 1))
            open_at = None
    return quotes


def find_quotes(text: str) -> list[tuple[int, int]]:
    """All quotations in ``text`` as (start, end) offsets, quotation marks included."""
    quotes: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text):
        s, e = para.span()
        double = _pair_double(text, s, e)
        quotes.extend(double)
        quotes.extend(_pair_single(text, s, e, double))
    quotes.sort()
    return quotes
