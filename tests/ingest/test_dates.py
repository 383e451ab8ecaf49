from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimgraph.ingest.dates import normalise_date


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2017-10-07", "2017-10-07"),
        ("2017-10-07T09:30:00Z", "2017-10-07"),
        ("2017-10-07 09:30:00+03:00", "2017-10-07"),
        ("October 7, 2017", "2017-10-07"),
        ("Oct. 7, 2017", "2017-10-07"),
        ("7 October 2017", "2017-10-07"),
        ("Sat, 07 Oct 2017 10:00:00 GMT", "2017-10-07"),
        ("07 Oct 2017 09:30 EDT", "2017-10-07"),
        ("2017/10/07", "2017-10-07"),
        ("  2017-10-07  ", "2017-10-07"),
        # as news sites print them (TR-News and GeoVirus records): a zone after a date with no
        # time, a bar between date and time
        ("14 November 2016 GMT", "2016-11-14"),
        ("Nov. 22, 2015 MST", "2015-11-22"),
        ("Wed Nov 23, 2016 | 4:58pm EST", "2016-11-23"),
        (dt.date(2017, 10, 7), "2017-10-07"),
        (dt.datetime(2017, 10, 7, 23, 59), "2017-10-07"),
    ],
)
def test_complete_dates_become_iso(value: object, iso: str) -> None:
    assert normalise_date(value) == iso


@pytest.mark.parametrize(
    "value",
    [
        "Oct 7",
        "October 2017",
        "2017",
        "7",
        "Friday",
        "sometime",
        "",
        "   ",
        None,
        20171007.5,
        [],
        "October 2017 GMT",  # still incomplete without its zone
        "Oct 7 | 9:30am EDT",
    ],
)
def test_incomplete_or_non_dates_give_none(value: object) -> None:
    assert normalise_date(value) is None


@given(st.text(max_size=80))
def test_never_raises_on_any_text(value: str) -> None:
    result = normalise_date(value)
    assert result is None or dt.date.fromisoformat(result)
