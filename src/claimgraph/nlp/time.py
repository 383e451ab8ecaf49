"""Dates: when a source said what it said, and (as it grows) every date expression.

``date_utterances(doc, attributions, published)`` sets ``Attribution.date`` to
``(iso_value, start, end)`` for a date expression in the cue's clause (the cue root's
subtree without other clauses and without the content; see ``qualifiers.cue_clause``):
"told Sputnik on Friday", "said Thursday morning", "said on September 28", "said yesterday".
The span is the date expression itself, without a preposition ("Friday", not "on Friday").

``normalise_date(text, published)`` turns one expression into an ISO value:

- a weekday is the latest such day not after publication, so in an article of Saturday
  2017-10-07 "Friday" is 2017-10-06 and "Saturday" is the publication day itself;
- "today", "yesterday", "last week", "last month", "this year" … count from publication;
- a month and day without a year is the latest such date not after publication;
- an explicit date ("October 4, 2017", "2017-10-04") needs no publication date;
- "the same day" / "that day" takes the date of the nearest earlier dated attribution.

Values are calendar units as in TimeML: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY-Www``, ``YYYY``.
Without a publication date only expressions that contain a year are resolved. Parsing of
anything but weekdays is dateparser's.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.tokens import Doc, Span, Token

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.qualifiers import cue_clause, cue_root

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ABBR = {d[:3]: n for n, d in enumerate(WEEKDAYS)} | {"tues": 1, "thur": 3, "thurs": 3}
# Expressions that refer back to the date of the previous dated statement.
SAME_DAY = frozenset({"the same day", "that day", "the same date", "on the same day"})
DATE_LABELS = frozenset({"DATE"})
_LEAD_WORDS = frozenset({"earlier", "early", "late", "in", "on", "at", "during"})
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
_FUTURE = re.compile(r"\b(next|coming|tomorrow|later)\b", re.IGNORECASE)


def _weekday(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if w in WEEKDAYS:
        return WEEKDAYS.index(w)
    return _WEEKDAY_ABBR.get(w)


@lru_cache(maxsize=64)
def _parser(published: str | None) -> DateDataParser:
    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(published).replace(hour=12)
    return DateDataParser(languages=["en"], settings=settings)


def _iso(day: dt.date, period: str) -> str:
    if period == "year":
        return f"{day.year:04d}"
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return day.isoformat()


def _parse_published(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def normalise_date(text: str, published: str | None) -> str | None:
    """The ISO value of a date expression, relative to ``published`` ("YYYY-MM-DD")."""
    pub = _parse_published(published)
    words = text.split()
    # "earlier this week", "late last month", "in October": the vaguer edge does not move
    # the calendar unit.
    while words and words[0].lower() in _LEAD_WORDS:
        words = words[1:]
    text = " ".join(words)
    if not words or _FUTURE.search(text):
        return None
    if text.isdigit() and not _YEAR.fullmatch(text):  # "at 86" is an age, not 1986
        return None
    weekdays = [n for w in words if (n := _weekday(w.strip(",;"))) is not None]
    # A bare weekday ("Friday", "last Friday", "Friday morning") is done here because
    # dateparser takes the publication weekday for a week earlier.
    if weekdays and not _YEAR.search(text) and not any(c.isdigit() for c in text):
        if pub is None:
            return None
        back = (pub.weekday() - weekdays[0]) % 7
        if back == 0 and words[0].lower() == "last":
            back = 7
        return (pub - dt.timedelta(days=back)).isoformat()
    if pub is None and not _YEAR.search(text):
        return None
    try:
        data = _parser(pub.isoformat() if pub else None).get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input; no date then
        return None
    if data is None or data.date_obj is None:
        return None
    day = data.date_obj.date()
    if pub is not None and day > pub:
        return None
    return _iso(day, data.period or "day")


def _date_expressions(
    doc: Doc, tokens: set[int], ents: tuple[Span, ...] | None = None
) -> list[tuple[int, int]]:
    """Token spans of DATE entities and lone weekday words among ``tokens``."""
    found: list[tuple[int, int]] = []
    taken: set[int] = set()
    for ent in doc.ents if ents is None else ents:
        if ent.label_ in DATE_LABELS and all(t.i in tokens for t in ent):
            found.append((ent.start, ent.end))
            taken.update(range(ent.start, ent.end))
    for i in tokens:
        if i not in taken and _weekday(doc[i].text) is not None and doc[i].text[0].isupper():
            found.append((i, i + 1))
    return found


def _depth(tok: Token, root: Token) -> int:
    depth = 0
    while tok != root and tok.head != tok and depth < 100:
        depth, tok = depth + 1, tok.head
    return depth


def utterance_date(
    doc: Doc,
    att: Attribution,
    published: str | None,
    previous: str | None = None,
    ents: tuple[Span, ...] | None = None,
) -> tuple[str, int, int] | None:
    """(ISO value, start, end) of the date at which ``att`` was uttered, or None.

    ``previous`` is the date value of the nearest earlier dated attribution, for
    "the same day".
    """
    root = cue_root(doc, att)
    if root is None:
        return None
    clause = cue_clause(doc, att)
    spans = _date_expressions(doc, clause, ents)
    # Closest to the cue in the tree first, then nearest in the text.
    spans.sort(key=lambda se: (_depth(doc[se[0] : se[1]].root, root), abs(se[0] - root.i)))
    for s, e in spans:
        span = doc[s:e]
        same_day = span.text.lower() in SAME_DAY
        value = previous if same_day else normalise_date(span.text, published)
        if value is not None:
            return value, span.start_char, span.end_char
    return None


def date_utterances(doc: Doc, attributions: list[Attribution], published: str | None) -> None:
    """Set ``date`` on every attribution of ``doc`` whose cue clause gives one."""
    previous: str | None = None
    ents = doc.ents  # built once: spaCy makes a new tuple on every access
    for att in sorted(attributions, key=lambda a: a.cue[0]):
        att.date = utterance_date(doc, att, published, previous, ents)
        if att.date is not None:
            previous = att.date[0]
