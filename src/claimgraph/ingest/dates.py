"""Normalise the publication dates found in headers, records and HTML metadata to ISO.

Only complete calendar dates count: "2017-10-07", "October 7, 2017", "07 Oct 2017 09:30 EDT",
and as news sites print them: "14 November 2016 GMT", "Wed Nov 23, 2016 | 4:58pm EST". A date
missing its year, month or day ("Oct 7", "2017") gives ``None`` rather than a guess.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateutil_parser

# Longer strings are prose, not dates; dateutil would still try to read numbers out of them.
_MAX_DATE_LENGTH = 64
# Two different defaults: a field dateutil fills from the default differs between the two
# parses, which is how an incomplete date ("Oct 7") shows itself.
_DEFAULTS = (dt.datetime(1904, 1, 1), dt.datetime(1905, 2, 2))
# dateutil reads a zone's name only after a time ("07 Oct 2017 09:30 EDT", not "14 November
# 2016 GMT") and no bar between date and time ("Wed Nov 23, 2016 | 4:58pm EST"): what it
# cannot read is read again without them (the date is the same in any zone's name).
_BAR = re.compile(r"\s*\|\s*")
_TRAILING_ZONE = re.compile(r"\s+[A-Z]{2,5}$")


def normalise_date(value: object) -> str | None:
    """Return ``value`` as ``"YYYY-MM-DD"``, or ``None`` when it is not a complete date."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_DATE_LENGTH or not any(c.isdigit() for c in text):
        return None
    try:
        return dt.datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    unbarred = _BAR.sub(" ", text)
    for variant in dict.fromkeys((text, unbarred, _TRAILING_ZONE.sub("", unbarred))):
        try:
            first, second = (
                dateutil_parser.parse(variant, default=default, ignoretz=True)
                for default in _DEFAULTS
            )
        except (ValueError, OverflowError):
            continue
        return first.date().isoformat() if first.date() == second.date() else None
    return None
