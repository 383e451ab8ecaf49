"""Find the wire dateline that opens a news story: ``WASHINGTON (Sputnik) –``.

Recognised shapes, all at the start of the body::

    WASHINGTON (Sputnik) –          LONDON (AP) —          BEIRUT/ANKARA (Reuters) -
    MOSCOW, Oct 7 (Reuters) -       WASHINGTON, D.C. —     SAN DIEGO, Calif. (AP) —
    (Reuters) -                     WASHINGTON —           KABUL, Afghanistan —

The place is written in capitals, the outlet in parentheses. A capitalised word without an
outlet counts only before a long dash (or with a date), so that "BREAKING -" or a title in
capitals is not taken for a place.
"""

from __future__ import annotations

import re

from claimgraph.ingest.dates import normalise_date
from claimgraph.records import Dateline

_UPPER = "A-ZÀ-ÖØ-Þ"
_WORD = rf"[{_UPPER}][{_UPPER}'’.\-]*"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATELINE = re.compile(
    rf"""
    (?:
      (?P<place>{_WORD}(?:[ /]{_WORD}){{0,4}})
      (?:,[ ](?P<region>[A-Z][A-Z.]+(?:[ ][A-Z][A-Z.]+)?|[A-Z][a-z]+\.?(?:[ ][A-Z][a-z]+\.?)?))?
      (?:,?[ ](?P<date>{_MONTH}\.?[ ]\d{{1,2}}(?:,?[ ]\d{{4}})?))?
      [ \t\u00a0]*
    )?
    (?:\((?P<outlet>[^()\n]{{1,40}})\)[ \t\u00a0]*)?
    # A long dash may touch the next word ("(CNN) —The"); a hyphen must stand alone.
    (?P<dash>--(?!-)|[–—](?![-–—])|-(?!\S))
    """,
    re.VERBOSE,
)
# Capitalised labels that open stories but are not places.
_NOT_PLACES = frozenset(
    {
        "BREAKING",
        "UPDATE",
        "UPDATED",
        "EXCLUSIVE",
        "WATCH",
        "ANALYSIS",
        "OPINION",
        "EDITORIAL",
        "LIVE",
        "VIDEO",
        "PHOTOS",
        "REVIEW",
        "COMMENT",
        "FACT CHECK",
        "CORRECTION",
        "URGENT",
    }
)
_LONG_DASHES = ("--", "–", "—")


def find_dateline(text: str, start: int = 0) -> Dateline | None:
    """Return the dateline beginning at ``text[start:]`` (after spaces), or ``None``.

    Offsets of the returned ``Dateline`` index into ``text``.
    """
    while start < len(text) and text[start] in " \t\u00a0\ufeff":
        start += 1
    match = _DATELINE.match(text, start)
    if match is None:
        return None
    place, outlet, date = match["place"], match["outlet"], match["date"]
    if place is None and outlet is None:
        return None
    if place is not None and place.rstrip(".") in _NOT_PLACES:
        return None
    if outlet is None and date is None and match["dash"] not in _LONG_DASHES:
        return None
    if outlet is not None and not outlet.strip():
        return None
    if place is not None and match["region"]:
        place = f"{place}, {match['region']}"
    return Dateline(
        text=match.group(0),
        start=match.start(),
        end=match.end(),
        place=place,
        outlet=outlet.strip() if outlet else None,
    )


def dateline_date(dateline: Dateline) -> str | None:
    """The ISO date written in the dateline ("MOSCOW, Oct 7, 2017 (Reuters) -"), if complete."""
    match = _DATELINE.match(dateline.text)
    return normalise_date(match["date"]) if match and match["date"] else None
