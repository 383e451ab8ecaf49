"""Dates: every date expression of the text, normalised against the publication date, and
when a source said what it said.

``date_mentions(doc, published)`` (``find_dates`` for the values alone) finds every date
expression (spaCy's DATE entities plus a Matcher for what NER misses) and normalises it by
``_resolve``: explicit calendar dates go to dateparser, the relative and anaphoric ones are
rules here —

- a weekday is the latest such day not after publication in the past tense (in an article of
  Saturday 2017-10-07 "Friday" is 2017-10-06), the next one in future-tense clauses;
- "today", "yesterday", "last week" (a week), "this month" … count from publication;
- a month and day without a year is the latest such date not after publication, unless the
  tense or a rescheduling verb says otherwise;
- "early", "mid-", "late", "earlier in" … narrow a month or a year to a range;
- "the same day" / "that day" / "a year earlier" count from the last date the text
  established.

``date_utterances(doc, attributions, published)`` sets ``Attribution.date`` to ``(value,
start, end)``: of those mentions, the one in the cue's clause (the cue root's subtree
without other clauses and without the content; see ``qualifiers.cue_clause``) closest to
the cue, unless it lies after publication ("told Sputnik on Friday", "said yesterday").
``normalise_date(text, published)`` reads one expression so, in the past tense.

Values are calendar units as in TimeML: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY-Www``,
``YYYY-Qn``, ``YYYY``. Without a publication date only expressions that contain a year (or
refer back to one) are resolved.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.qualifiers import cue_clause, cue_root

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ABBR = {d[:3]: n for n, d in enumerate(WEEKDAYS)} | {"tues": 1, "thur": 3, "thurs": 3}
DATE_LABELS = frozenset({"DATE"})
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


def _weekday(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if w in WEEKDAYS:
        return WEEKDAYS.index(w)
    return _WEEKDAY_ABBR.get(w)


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
    """The ISO value of one date expression said in the past tense, relative to
    ``published`` ("YYYY-MM-DD"), as the text's date mentions are read (``find_dates``);
    None when it cannot be read or lies after publication ("next Friday")."""
    pub = _parse_published(published)
    got = _resolve(text, _State(pub, False), "past")
    if got is None:
        return None
    value, unit = got
    return value if pub is None or _unit_bounds(unit)[0] <= pub else None


def _depth(tok: Token, root: Token) -> int:
    depth = 0
    while tok != root and tok.head != tok and depth < 100:
        depth, tok = depth + 1, tok.head
    return depth


Mention = tuple[str, int, int, str | None]  # value, start, end, range (``date_mentions``)


def _first_day(value: str) -> dt.date | None:
    """The first day of a calendar value or range ("2017-10-04", "2017-W40", "2017-09",
    "2017-Q3", "2017", "2017-09-01/2017-09-27"); None for other values."""
    value = value.split("/")[0]
    try:
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            return dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            return dt.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return None
    return None


def said_dates(doc: Doc, mentions: list[Mention], published: str | None) -> list[tuple[Span, str]]:
    """The ``mentions`` that can date an utterance, as spans with their values: those that do
    not lie after publication (what is said is not said in the future: "will meet next week"
    dates no statement)."""
    pub = _parse_published(published)
    out = []
    for value, start, end, narrowed in mentions:
        span = doc.char_span(start, end, alignment_mode="expand")
        first = _first_day(narrowed or value)
        if span is not None and first is not None and (pub is None or first <= pub):
            out.append((span, value))
    return out


def utterance_date(
    doc: Doc, att: Attribution, dates: list[tuple[Span, str]]
) -> tuple[str, int, int] | None:
    """(value, start, end) of the date at which ``att`` was uttered, or None: of the text's
    ``dates`` (``said_dates``), the one in the cue's clause closest to the cue in the tree,
    then in the text."""
    root = cue_root(doc, att)
    if root is None:
        return None
    clause = cue_clause(doc, att)
    found = [
        (_depth(span.root, root), abs(span.start - root.i), value, span.start_char, span.end_char)
        for span, value in dates
        if all(t.i in clause for t in span)
    ]
    if not found:
        return None
    _, _, value, start, end = min(found)
    return value, start, end


def text_dates(doc: Doc, published: str | None) -> list[Mention]:
    """The text's date mentions: those the dates component left on ``doc._.dates``, else
    found now (``date_mentions``)."""
    found = doc._.dates if Doc.has_extension("dates") else None
    return found if found is not None else date_mentions(doc, published)


def date_utterances(doc: Doc, attributions: list[Attribution], published: str | None) -> None:
    """Set ``date`` on every attribution of ``doc`` whose cue clause gives one, from the
    text's date mentions (``text_dates``: "the same day" is the last date the text
    established)."""
    dates = said_dates(doc, text_dates(doc, published), published)
    for att in attributions:
        att.date = utterance_date(doc, att, dates)


# ------------------------------------------------------------------- every date of the text
#
# ``find_dates`` takes its candidates from spaCy's DATE entities (the statistical model finds
# most expressions and their extents) plus a Matcher for what NER misses (lone weekdays,
# "the same day", "year-earlier", months). Each candidate is normalised by ``_resolve``:
# explicit calendar dates ("Aug. 7, 1998", "September 28", "10/23/98") go to dateparser,
# whose year inference is right; the relative and anaphoric expressions it gets wrong or
# cannot read ("last week" as a week, "the third quarter", "a year earlier", "that day",
# weekdays in future-tense content) are rules here.

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "a couple of": 2, "a few": 3,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
}  # fmt: skip
# A quarter named by the month that ends it, as Australian and British reports do: "the March
# quarter" is the first.
_QUARTER_ENDS = {"march": 1, "june": 2, "september": 3, "december": 4}
_QEND = "|".join(_QUARTER_ENDS)
# Words before a date that TimeML leaves out of the extent.
_PREPOSITIONS = frozenset(
    {"in", "on", "at", "during", "since", "until", "till", "by", "from", "before", "after",
     "of", "for", "through", "between", "within", "over", "into", "as"}
)  # fmt: skip
_PARTS_OF_DAY = r"(?: (?:morning|afternoon|evening|night|overnight))?"
_NUM = "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True))
_ORD = "|".join(_ORDINALS)
_WD = "|".join(WEEKDAYS) + "|" + "|".join(_WEEKDAY_ABBR)
_MON = "|".join(_MONTHS)
_YEAR_REL = r"(?:(?:of )?(?:this|last|next) year|\d{4})"

_ANAPHOR = re.compile(
    r"(?:(?:the )?(?P<rel>same)|the (?P<rel2>following|next|previous|preceding|prior)|"
    r"(?P<that>that)) "
    r"(?P<unit>day|date|morning|afternoon|evening|night|week|month|year|quarter)"
)
_ANAPHOR_AFTER = re.compile(
    r"the (?P<unit>day|week|month|year) (?P<dir>before|after|earlier|later)"
)
_DEICTIC_DAY = re.compile(
    r"(?P<w>today|tonight|yesterday|tomorrow|the day before yesterday|the day after tomorrow|"
    r"this (?=morning|afternoon|evening))" + _PARTS_OF_DAY.replace("?: ", "?: ?")
)
_WEEKDAY_RE = re.compile(
    rf"(?:(?P<rel>last|next|this|past|coming) )?(?P<wd>{_WD})"
    + _PARTS_OF_DAY
    + r"(?: (?P<week>last|next) week)?"
)
_OFFSET = re.compile(
    rf"(?:(?:nearly|almost|about|some|roughly|around|more than|less than|only|just) )?"
    rf"(?P<n>\d+|{_NUM}) (?P<unit>day|week|month|year|decade)s?(?: or so)? "
    r"(?P<dir>ago|earlier|before|later|after|from now|hence)"
)
_YEAR_AGO = re.compile(
    rf"(?:the )?(?:comparable |same )?year (?:ago|earlier)(?: (?P<ord>{_ORD}))?(?: fiscal)?"
    r"(?: (?P<unit>quarter|period|month|week|day))?"
)
_DEICTIC_UNIT = re.compile(
    r"(?:the )?(?P<rel>this|last|next|past|coming|current|previous|latest|present|most recent|"
    r"recent|full)? ?(?:fiscal |calendar )?(?P<unit>week|month|year|quarter|period|year's)"
)
_QUARTER = re.compile(
    rf"(?:the )?(?:(?P<y1>\d{{4}}|fiscal \d{{4}}|(?:next|last|this) year's|fiscal \d{{4}}'s|"
    rf"\d{{4}}'s) )?(?:fiscal )?(?P<ord>{_ORD}|{_QEND}) (?:fiscal )?(?:quarter|qtr)"
    rf"(?: of (?:fiscal )?(?:the )?(?P<y2>\d{{4}}|(?:this|last|next) year))?"
)
_MONTH_RE = re.compile(
    rf"(?:(?P<rel>last|next|this|past|coming) )?(?P<mon>{_MON})(?: (?P<year>{_YEAR_REL}))?"
)
_YEAR_ONLY = re.compile(
    r"(?:the |fiscal |calendar |fiscal year |the year |the fiscal year |year )*"
    r"(?P<y>1[0-9]\d\d|2[0-9]\d\d)(?: (?:period|fiscal year|season|model year|budget))?"
)
_YEAR_PERIOD = re.compile(
    r"(?:the )?(?P<y>\d{4}|(?:last|this|next) year)(?:'s)? (?:quarter|period)"
)
_WEEK_OF = re.compile(r"(?:the )?week of (?P<rest>.+)")
_EXPLICIT = re.compile(
    rf"\b(?:{_MON})\b.*\d|\d.*\b(?:{_MON})\b|\d{{1,4}}[/-]\d{{1,2}}[/-]\d{{1,4}}"
)
# "early", "mid-", "the end of" … narrow a month or a year to a range (see _narrow).
_MODIFIER = re.compile(
    r"(?P<mod>early|earlier|late|later|mid|middle|the middle of|the end of|end of|"
    r"the beginning of|beginning of|the start of|start of|around)(?: (?:in|of|on))?(?: the)? "
)
_QUALIFIER = re.compile(r"(?:nearly|almost|about|some|roughly|around|at least|only|just) ")
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "ll"})
# Words that put what they govern in the future: "payable Dec. 15", "due Monday".
_FUTURE_HEADS = frozenset({"payable", "due", "effective", "scheduled", "slated", "upcoming"})
# Verbs whose to-infinitive is future: "set to expire Nov. 6", "plans to meet Monday".
_FUTURE_GOVERNORS = frozenset(
    {"set", "schedule", "expect", "plan", "go", "slate", "intend", "aim", "hope", "due",
     "want", "seek", "propose", "agree", "promise", "vow", "threaten", "prepare"}
)  # fmt: skip
# Verbs that move a date, and words that look ahead to one: a calendar date they govern is the
# nearer of its past and next occurrence, whatever the tense ("extended to Nov. 20", "gave it
# until mid-November", "the Jan. 14 deadline"); tense "near". A weekday stays in the past
# ("the Tuesday deadline", "until Thursday, they had not …").
_RESCHEDULING = frozenset(
    {"extend", "postpone", "delay", "defer", "reschedule", "adjourn", "set", "schedule"}
)
_AHEAD_WORDS = frozenset({"until", "till", "deadline"})
_WEEKDAY_IN = re.compile(rf"\b(?:{_WD})\b")

Unit = tuple[str, dt.date]  # (day | week | month | quarter | year, a day inside the unit)


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def _unit_bounds(unit: Unit) -> tuple[dt.date, dt.date]:
    kind, day = unit
    if kind == "day":
        return day, day
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == "month":
        start = day.replace(day=1)
        return start, _add_months(start, 1) - dt.timedelta(days=1)
    if kind == "quarter":
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return start, _add_months(start, 3) - dt.timedelta(days=1)
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def _format(unit: Unit) -> str:
    kind, day = unit
    if kind == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return _iso(day, kind)


def _shift_unit(unit: Unit, n: int) -> Unit:
    """The unit ``n`` units of its own kind away."""
    kind, day = unit
    if kind == "day":
        return kind, day + dt.timedelta(days=n)
    if kind == "week":
        return kind, day + dt.timedelta(weeks=n)
    if kind == "month":
        return kind, _add_months(day, n)
    if kind == "quarter":
        return kind, _add_months(day.replace(day=1), 3 * n)
    return kind, dt.date(day.year + n, 1, 1)


def _shift_years(unit: Unit, n: int) -> Unit:
    kind, day = unit
    try:
        return kind, day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return kind, day.replace(year=day.year + n, day=28)


class _State:
    """What the text has established so far, for anaphora ("that day", "a year earlier")."""

    def __init__(self, pub: dt.date | None, ranges: bool = True) -> None:
        self.pub = pub
        self.ranges = ranges
        self.last: Unit | None = None
        self.last_day: dt.date | None = None
        self.last_quarter: dt.date | None = None
        # Set by _resolve_core when a value was counted from another ("a year earlier"):
        # such a value is not a new anchor, or "the latest quarter" would become last year's.
        self.derived = False
        # The narrower range of a modified unit ("mid-October" → 2017-10-11/2017-10-20),
        # set by _resolve_text for the expression just resolved.
        self.narrowed: str | None = None

    def remember(self, unit: Unit) -> None:
        if self.derived:
            return
        self.last = unit
        if unit[0] == "day":
            self.last_day = unit[1]
        if unit[0] == "quarter":
            self.last_quarter = unit[1]


def _clean(text: str) -> str:
    """Lower case, no abbreviation dots or commas, hyphens between words as spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("–", "-")
    text = re.sub(r"(?<=[a-z])\.", "", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z0-9])|(?<=[0-9])-(?=[a-z])", " ", text)
    text = re.sub(r"[,;:()\"]", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=64)
def _dateparser(published: dt.date, prefer: str) -> DateDataParser:
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": prefer,
        "RETURN_TIME_AS_PERIOD": True,
        "RELATIVE_BASE": dt.datetime(published.year, published.month, published.day, 12),
        "REQUIRE_PARTS": [],
    }
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def _parse_explicit(text: str, pub: dt.date | None, tense: str) -> Unit | None:
    """An explicit calendar date ("Aug. 7, 1998", "September 28") through dateparser.

    Without a year, dateparser takes the latest such date not after publication (past
    tense, the default), the next one (future tense), or the nearer of the two (present
    tense: "the offer expires Nov. 6" in news is scheduled, "takes effect Monday").
    """
    if pub is None:
        if not _YEAR.search(text):
            return None
        pub = dt.date(2000, 1, 1)  # the base does not matter when the year is given
    if tense in ("present", "near") and not _YEAR.search(text):
        past = _parse_explicit(text, pub, "past")
        future = _parse_explicit(text, pub, "future")
        if past is None or future is None:
            return past or future
        return past if (pub - past[1]) <= (future[1] - pub) else future
    try:
        data = _dateparser(pub, "future" if tense == "future" else "past").get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input; no date then
        return None
    if data is None or data.date_obj is None:
        return None
    period = data.period or "day"
    if period not in ("day", "week", "month", "year"):
        period = "day"
    day = data.date_obj.date()
    years = {int(y[0]) for y in _YEAR.finditer(text)}
    if (years and day.year not in years) or (not years and abs(day.year - pub.year) > 1):
        return None  # dateparser read a day number as a year ("April 24 and 25" → 1925)
    if period == "day" and (wd := _WEEKDAY_IN.search(text)) and not _YEAR.search(text):
        # "Saturday, April 25": the year in which that date is that weekday, nearest first.
        target = _weekday(wd[0])
        for shift in (0, 1, -1):
            try:
                other = day.replace(year=day.year + shift)
            except ValueError:
                continue
            if other.weekday() == target:
                return "day", other
    return period, day


def _weekday_unit(m: re.Match[str], pub: dt.date, tense: str) -> Unit:
    target = _weekday(m["wd"])
    assert target is not None
    rel = m["rel"]
    if m["week"] is not None:  # "Monday next week"
        base = pub + dt.timedelta(weeks=1 if m["week"] == "next" else -1)
        return "day", base + dt.timedelta(days=target - base.weekday())
    ahead_by_tense = tense in ("future", "present") and rel not in ("last", "past")
    if rel in ("next", "coming") or ahead_by_tense:
        ahead = (target - pub.weekday()) % 7
        if ahead == 0 and rel in ("next", "coming"):
            ahead = 7
        return "day", pub + dt.timedelta(days=ahead)
    back = (pub.weekday() - target) % 7
    if back == 0 and rel in ("last", "past"):
        back = 7
    return "day", pub - dt.timedelta(days=back)


def _deictic_year(word: str | None, pub: dt.date) -> int | None:
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    word = word.removeprefix("of ")
    if word.startswith("fiscal "):
        return int(word.split()[1][:4])
    offset = {"this": 0, "last": -1, "next": 1}.get(word.split()[0])
    if offset is None:
        if word[:4].isdigit():
            return int(word[:4])
        return None
    return pub.year + offset


def _resolve_core(text: str, state: _State, tense: str) -> Unit | None:
    """The calendar unit a date expression names (modifiers already taken off)."""
    pub = state.pub
    if m := _ANAPHOR.fullmatch(text):
        unit = {"date": "day", "morning": "day", "afternoon": "day", "evening": "day",
                "night": "day"}.get(m["unit"], m["unit"])  # fmt: skip
        step = {"same": 0, "following": 1, "next": 1}.get(m["rel"] or m["rel2"] or "same", -1)
        if unit == "day":
            if state.last_day is None:
                return None
            anchor: Unit = ("day", state.last_day)
        elif unit == "quarter":
            if state.last_quarter is None:
                return None
            anchor = ("quarter", state.last_quarter)
        else:
            if state.last is None:
                return None
            anchor = (unit, state.last[1])
        return _shift_unit(anchor, step)
    if m := _ANAPHOR_AFTER.fullmatch(text):
        base = state.last_day if m["unit"] == "day" else (state.last[1] if state.last else None)
        if base is None:
            return None
        return _shift_unit((m["unit"], base), 1 if m["dir"] in ("after", "later") else -1)
    if pub is not None and (m := _DEICTIC_DAY.fullmatch(text)):
        word = m["w"]
        offset = {"yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
                  "the day after tomorrow": 2}.get(word, 0)  # fmt: skip
        return "day", pub + dt.timedelta(days=offset)
    if pub is not None and (m := _WEEKDAY_RE.fullmatch(text)):
        return _weekday_unit(m, pub, tense)
    if m := _OFFSET.fullmatch(text):
        state.derived = True
        n = _number(m["n"])
        if n is None:
            return None
        kind = m["unit"]
        relative = m["dir"] in ("earlier", "before", "later", "after")
        sign = 1 if m["dir"] in ("later", "after", "from now", "hence") else -1
        if kind == "decade":
            kind, n = "year", 10 * n
        if relative and state.last is not None:
            base: Unit = state.last
        elif pub is not None:
            base = ("day", pub)
        else:
            return None
        if kind == "year" and base[0] in ("quarter", "month", "day") and relative:
            return _shift_years(base, sign * n)
        if kind == "year" and n == 1 and state.last_quarter is not None:
            # "a year ago" in an earnings report: the same quarter of the year before.
            return _shift_years(("quarter", state.last_quarter), -1)
        return _shift_unit((kind, base[1]), sign * n)
    if m := _YEAR_AGO.fullmatch(text):
        state.derived = True
        if m["ord"] is not None and pub is not None:
            q = _ORDINALS[m["ord"]]
            quarter: Unit = ("quarter", dt.date(pub.year, 3 * q - 2, 1))
            if quarter[1] > pub:
                quarter = _shift_years(quarter, -1)
            return _shift_years(quarter, -1)
        if m["unit"] in ("quarter", "period") and state.last_quarter is not None:
            return _shift_years(("quarter", state.last_quarter), -1)
        if (
            m["unit"] in (None, "period")
            and state.last is not None
            and (state.last[0] in ("quarter", "month", "day"))
        ):
            return _shift_years(state.last, -1)
        if pub is None:
            return None
        return _shift_years(("year", pub), -1)
    if m := _QUARTER.fullmatch(text):
        if pub is None and not (m["y1"] or m["y2"]):
            return None
        q = _ORDINALS.get(m["ord"]) or _QUARTER_ENDS[m["ord"]]
        year = _deictic_year(m["y1"] or m["y2"], pub or dt.date(2000, 1, 1))
        if year is None and pub is not None:
            year = pub.year
            if dt.date(year, 3 * q - 2, 1) > pub and tense == "past":
                year -= 1
        if year is None:
            return None
        return "quarter", dt.date(year, 3 * q - 2, 1)
    if m := _DEICTIC_UNIT.fullmatch(text):
        rel, kind = m["rel"], m["unit"]
        if kind in ("period", "quarter") and rel in (None, "latest", "most recent", "recent"):
            if state.last_quarter is not None:
                return "quarter", state.last_quarter
            if rel is None or pub is None:
                return None
            return _shift_unit(("quarter", pub), -1)
        if kind == "year's":
            kind = "year"
        if pub is None or kind == "period":
            return None
        if rel is None or rel == "full":
            return ("year", pub) if kind == "year" else None
        last = state.last
        if kind == "year" and rel == "last" and last is not None and last[0] == "quarter":
            # "compared with $3 million last year" after "the third quarter": that quarter.
            state.derived = True
            return _shift_years(last, -1)
        if rel in ("latest", "most recent", "recent") and kind != "quarter":
            return None
        step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
        return _shift_unit((kind, pub), step)
    if m := _WEEK_OF.fullmatch(text):
        inner = _resolve_core(m["rest"], state, tense)
        if inner is None or inner[0] != "day":
            return None
        return "week", inner[1]
    if m := _MONTH_RE.fullmatch(text):
        month = _MONTHS[m["mon"]]
        year = _deictic_year(m["year"], pub or dt.date(2000, 1, 1))
        if year is None:
            if pub is None:
                return None
            rel = m["rel"]
            year = pub.year
            ahead = (month - pub.month) % 12  # months to the next such month (0: this one)
            if rel in ("next", "coming"):
                year += (pub.month + (ahead or 12)) > 12
            elif rel == "this":
                pass
            elif rel in ("last", "past"):
                year -= month >= pub.month
            elif tense == "future" or (tense in ("present", "near") and 0 < ahead <= 6):
                year += month < pub.month
            else:
                year -= month > pub.month
        return "month", dt.date(year, month, 1)
    if (m := _YEAR_PERIOD.fullmatch(text)) and state.last_quarter is not None:
        # "the 1988 period" / "last year's quarter" in an earnings report: that quarter then.
        year = _deictic_year(m["y"], pub or dt.date(2000, 1, 1))
        if year is not None:
            return "quarter", state.last_quarter.replace(year=year)
    if m := _YEAR_ONLY.fullmatch(text):
        return "year", dt.date(int(m["y"]), 1, 1)
    if _EXPLICIT.search(text):
        return _parse_explicit(text, pub, tense)
    return None


def _narrow(mod: str, unit: Unit, pub: dt.date | None) -> str:
    """The value of "early 1990", "mid-October", "earlier this month" …: a range inside a
    month or a year; other units keep their value ("early Tuesday" is that Tuesday)."""
    if unit[0] not in ("month", "year") or mod == "around":
        return _format(unit)
    first, last = _unit_bounds(unit)
    if mod in ("earlier", "later"):
        # only the current unit is cut at the publication date ("earlier this month")
        if pub is None:
            return _format(unit)
        inside = (first < pub <= last) if mod == "earlier" else (first <= pub < last)
        if not inside:
            return _format(unit)
        if mod == "earlier":
            return f"{first.isoformat()}/{(pub - dt.timedelta(days=1)).isoformat()}"
        return f"{(pub + dt.timedelta(days=1)).isoformat()}/{last.isoformat()}"
    part = (
        0
        if mod in ("early",) or "beginning" in mod or "start" in mod
        else (1 if mod.startswith("mid") or "middle" in mod else 2)
    )
    if unit[0] == "month":
        starts = (first, first.replace(day=11), first.replace(day=21))
        ends = (first.replace(day=10), first.replace(day=20), last)
    else:
        y = first.year
        starts = (first, dt.date(y, 5, 1), dt.date(y, 9, 1))
        ends = (dt.date(y, 4, 30), dt.date(y, 8, 31), last)
    return f"{starts[part].isoformat()}/{ends[part].isoformat()}"


def _resolve(text: str, state: _State, tense: str) -> tuple[str, Unit] | None:
    """(value, unit) of one date expression; the value may be a range."""
    state.derived = False
    state.narrowed = None
    try:
        return _resolve_text(text, state, tense)
    except (ValueError, OverflowError):  # counted past year 1 or 9999: no such date
        return None


def _resolve_text(text: str, state: _State, tense: str) -> tuple[str, Unit] | None:
    text = _clean(text)
    text = _QUALIFIER.sub("", text, count=1) if _QUALIFIER.match(text) else text
    mod = None
    if m := _MODIFIER.match(text + " "):
        rest = text[m.end() :].strip()
        if rest:
            mod, text = m["mod"], rest
    if text in ("year end", "year's end", "year end's"):
        mod, text = mod or "the end of", "this year"
    unit = _resolve_core(text, state, tense)
    if unit is None:
        return None
    if mod:
        state.narrowed = _narrow(mod, unit, state.pub)
    return (state.narrowed if mod and state.ranges else _format(unit)), unit


def _tense(span: Span) -> str:
    """ "past", "present", "future" or "near": the tense of the clause that governs ``span``.

    Future: "will meet on Tuesday", "is to resume Monday", "set to expire Nov. 6",
    "payable Dec. 15". Present: "the offer expires Nov. 6", "meets Monday" (news use the
    present for what is scheduled). Near: a date that a rescheduling verb or "until" /
    "deadline" governs ("extended to Nov. 20"). Anything else, and no verb, is past.
    """
    tok = span.root
    if tok.dep_ == "poss":
        return "past"  # "Wednesday's ruling": an event already reported
    for _ in range(6):
        if tok.lower_ in _FUTURE_HEADS:
            return "future"
        if tok.lower_ in _AHEAD_WORDS:
            return "near"
        if (tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "acl")) or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return "past"
    aux = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in _FUTURE_AUX for c in aux):
        return "future"
    if any(c.lower_ == "to" for c in aux):
        head = tok.head
        if head.lemma_ in _FUTURE_GOVERNORS or head.lower_ in _FUTURE_HEADS:
            return "future"
        if head.lemma_ == "be" and head.tag_ in ("VBZ", "VBP"):
            return "future"  # "is to resume trading Tuesday"
        return "present"  # "asked it to respond by Oct. 31": either way, the nearer
    if any(c.tag_ == "MD" for c in aux):
        return "present"  # "would leave on Tuesday", "could come as early as Tuesday"
    if tok.lemma_ in _RESCHEDULING:
        return "near"  # "extended to Nov. 20", "has set Nov. 10 as the deadline"
    if tok.tag_ == "VBG" and any(c.lower_ in ("is", "are", "am") for c in aux):
        return "present"  # "is calling for the redemption on Dec. 7"
    if tok.tag_ in ("VBZ", "VBP") and not any(c.lemma_ == "have" for c in aux):
        return "present"
    if tok.tag_ == "VB" and any(c.tag_ in ("VBZ", "VBP") for c in aux):
        return "present"  # "does not expire until Nov. 6"
    if tok.tag_ == "VBN" and any(c.lower_ in ("is", "are") for c in aux):
        return "present"  # "is scheduled for Dec. 10"
    return "past"


@lru_cache(maxsize=4)
def _matcher(vocab: object) -> Matcher:
    """Rules for date expressions the NER model misses."""
    matcher = Matcher(vocab)  # type: ignore[arg-type]
    weekday = {"LOWER": {"IN": [*WEEKDAYS, "tues", "thurs"]}, "IS_TITLE": True}
    month = {"LOWER": {"IN": list(_MONTHS)}, "IS_TITLE": True}
    day_word = {"LOWER": {"IN": ["day", "date", "week", "month", "year", "quarter", "morning"]}}
    matcher.add(
        "DATE",
        [
            [{"LOWER": {"IN": ["last", "next", "this", "on"]}, "OP": "?"}, weekday],
            [{"LOWER": {"IN": ["today", "yesterday", "tomorrow", "tonight"]}}],
            [
                {"LOWER": "the"},
                {"LOWER": {"IN": ["same", "following", "next", "previous"]}},
                day_word,
            ],
            [{"LOWER": "that"}, day_word],
            [
                month,
                {"IS_DIGIT": True, "OP": "?"},
                {"ORTH": ",", "OP": "?"},
                {"SHAPE": "dddd", "OP": "?"},
            ],
            [{"LOWER": {"IN": list(_ORDINALS)}}, {"ORTH": "-", "OP": "?"}, {"LOWER": "quarter"}],
            [{"LOWER": "year"}, {"ORTH": "-", "OP": "?"}, {"LOWER": {"IN": ["earlier", "ago"]}}],
            [{"LOWER": {"IN": ["in", "since", "until", "by"]}}, {"SHAPE": "dddd"}],
        ],
        greedy="LONGEST",
    )
    return matcher


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop leading prepositions and punctuation, trailing punctuation and possessives."""
    while start < end and (doc[start].lower_ in _PREPOSITIONS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    return start, end


_UNITS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years"})
_SPLIT_WORDS = frozenset({"and", "or", "to", "through", "-", "–", "until", "till", "&"})


def _pieces(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a coordinated or ranged entity ("Monday and Tuesday", "1990 and beyond",
    "the quarter ended Sept. 30")."""
    parts: list[tuple[int, int]] = []
    s = start
    for i in range(start, end):
        if doc[i].lower_ in _SPLIT_WORDS or doc[i].pos_ == "VERB":
            if s < i:
                parts.append((s, i))
            s = i + 1
    if s < end:
        parts.append((s, end))
    return parts


def find_dates(
    doc: Doc, published: str | None, *, ranges: bool = True
) -> list[tuple[str, int, int]]:
    """Every date expression of ``doc`` with its normalised value: (value, start, end).

    ``published`` ("YYYY-MM-DD…") anchors relative expressions; without it only expressions
    that contain their year (or refer back to one) are resolved. With ``ranges`` (the
    default) "mid-October", "late last year", "earlier this month" are ranges inside their
    month or year; without it they take TimeML's value, the whole unit ("2017-10"), as
    TempEval-3 annotates them.
    """
    return [(v, s, e) for v, s, e, _ in _find(doc, published, ranges)]


def date_mentions(doc: Doc, published: str | None) -> list[tuple[str, int, int, str | None]]:
    """What the pipeline stores for every date expression: (value, start, end, range).

    ``value`` is TimeML's calendar unit (what TempEval-3 and the shared scorer compare:
    "mid-October" → ``2017-10``) and ``range`` the narrower interval the words give
    (``2017-10-11/2017-10-20``), None when the expression names a whole unit.
    """
    return _find(doc, published, ranges=False)


def _find(doc: Doc, published: str | None, ranges: bool) -> list[tuple[str, int, int, str | None]]:
    pub = _parse_published(published)
    state = _State(pub, ranges)
    candidates: list[tuple[int, int]] = []
    covered: set[int] = set()
    for ent in doc.ents:
        # TIME entities too: "Tuesday morning" is a date at day granularity.
        if ent.label_ in DATE_LABELS or ent.label_ == "TIME":
            candidates.append((ent.start, ent.end))
        covered.update(range(ent.start, ent.end))  # "Jan Kavan" (PERSON) is no month
    for _, s, e in _matcher(doc.vocab)(doc):
        if not covered.intersection(range(s, e)):
            candidates.append((s, e))
            covered.update(range(s, e))
    candidates = _merge_weekday_dates(doc, sorted(candidates))
    surnames = {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1}
    found: list[tuple[str, int, int, str | None]] = []
    for start, end in candidates:
        start, end = _trim(doc, start, end)
        if start >= end or _named_month(doc, start, end, surnames):
            continue
        start = _with_modifier(doc, start, end)
        for s, e in _spans_to_try(doc, start, end, state):
            span = doc[s:e]
            got = _resolve(span.text, state, _tense(span))
            if got is None:
                continue
            value, unit = got
            state.remember(unit)
            narrowed = state.narrowed if state.narrowed != value else None
            found.append((value, span.start_char, span.end_char, narrowed))
    return found


def _named_month(doc: Doc, start: int, end: int, surnames: set[str]) -> bool:
    """Whether a month's name alone is a name, not a date: the surname of a person the text
    names in full, as a subject or owner ("Theresa May" … "May added", "May's cabinet"; not
    "in May"), or an event named with it ("the March for Babies", "the March of Dimes", "the
    March on Washington")."""
    tok = doc[start]
    if end - start != 1 or tok.lower_ not in _MONTHS or not tok.is_title:
        return False
    # (the parser may read "May added" as the modal before a verb: not before a past tense)
    subject = tok.dep_ in ("nsubj", "nsubjpass", "poss") or (
        tok.dep_ == "aux" and tok.head.tag_ in ("VBD", "VBZ", "VBN")
    )
    if tok.lower_ in surnames and subject:
        return True
    before = doc[start - 1].lower_ if start > 0 else ""
    after = doc[end].lower_ if end < len(doc) else ""
    return before in ("the", "a") and after in ("for", "of", "on", "against", "to")


def _with_modifier(doc: Doc, start: int, end: int) -> int:
    """The start of the expression with the words before it that narrow it, when the model
    left them out: "Earlier in | September", "in early | March", "the end of | 2016"."""
    for k in (3, 2, 1):
        if start - k < 0 or any(t.is_punct or t.is_space for t in doc[start - k : start]):
            continue
        words = doc[start - k : start].text.lower() + " "
        m = _MODIFIER.match(words)
        if m is not None and m.end() == len(words):
            return start - k
    return start


def _merge_weekday_dates(doc: Doc, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Friday Oct. 13" is one date even when NER makes two entities of it."""
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged:
            ps, pe = merged[-1]
            gap = range(pe, s)
            if (
                pe - ps <= 2
                and _weekday(doc[pe - 1].text) is not None
                and all(doc[i].text == "," for i in gap)
            ):
                merged[-1] = (ps, e)
                continue
        merged.append((s, e))
    return merged


def _spans_to_try(doc: Doc, start: int, end: int, state: _State) -> list[tuple[int, int]]:
    """The whole expression when it resolves, else each of its coordinated parts."""
    whole = doc[start:end]
    if _resolve(whole.text, _probe(state), "past") is not None:
        return [(start, end)]
    parts = _pieces(doc, start, end)
    if len(parts) > 1:
        # (a unit alone is no date: "year" of "a 33-year-old man", "a three-year term")
        trimmed = [_trim(doc, s, e) for s, e in parts]
        return [(s, e) for s, e in trimmed if doc[s:e].text.lower() not in _UNITS]
    return []


def _probe(state: _State) -> _State:
    copy = _State(state.pub, state.ranges)
    copy.last, copy.last_day, copy.last_quarter = state.last, state.last_day, state.last_quarter
    return copy
