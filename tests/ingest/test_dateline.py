from __future__ import annotations

import pytest

from claimgraph.ingest.dateline import dateline_date, find_dateline


@pytest.mark.parametrize(
    ("text", "dateline", "place", "outlet"),
    [
        (
            "WASHINGTON (Sputnik) – The aim of the coalition",
            "WASHINGTON (Sputnik) –",
            "WASHINGTON",
            "Sputnik",
        ),
        ("MOSCOW, Oct 7 (Reuters) - Russia said", "MOSCOW, Oct 7 (Reuters) -", "MOSCOW", "Reuters"),
        ("LONDON (AP) — The prime minister said", "LONDON (AP) —", "LONDON", "AP"),
        (
            "BEIRUT/ANKARA (Reuters) - Turkish troops",
            "BEIRUT/ANKARA (Reuters) -",
            "BEIRUT/ANKARA",
            "Reuters",
        ),
        (
            "SAN DIEGO, Calif. (AP) — Police said",
            "SAN DIEGO, Calif. (AP) —",
            "SAN DIEGO, Calif.",
            "AP",
        ),
        (
            "KABUL, Afghanistan — An Afghan mother",
            "KABUL, Afghanistan —",
            "KABUL, Afghanistan",
            None,
        ),
        ("WASHINGTON — The White House said", "WASHINGTON —", "WASHINGTON", None),
        ("UNITED NATIONS -- The council voted", "UNITED NATIONS --", "UNITED NATIONS", None),
        ("(Reuters) - U.S. officials said", "(Reuters) -", None, "Reuters"),
        ("(CNN) —The cardiac arrest", "(CNN) —", None, "CNN"),
        (
            "SÃO PAULO (Reuters) - Brazil's president",
            "SÃO PAULO (Reuters) -",
            "SÃO PAULO",
            "Reuters",
        ),
    ],
)
def test_wire_datelines(text: str, dateline: str, place: str | None, outlet: str | None) -> None:
    found = find_dateline(text)
    assert found is not None
    assert (found.text, found.start, found.place, found.outlet) == (dateline, 0, place, outlet)
    assert text[found.start : found.end] == dateline


def test_offsets_skip_leading_spaces() -> None:
    text = "  \tLONDON (AP) — The minister said"
    found = find_dateline(text)
    assert found is not None
    assert (found.start, found.end) == (3, 16)
    assert text[found.start : found.end] == "LONDON (AP) —"


def test_start_argument_looks_after_a_title_line() -> None:
    text = "Minister resigns\nLONDON (AP) — The minister said"
    assert find_dateline(text) is None
    found = find_dateline(text, 17)
    assert found is not None
    assert text[found.start : found.end] == "LONDON (AP) —"


@pytest.mark.parametrize(
    "text",
    [
        "Stealth Over Health: Hillary Clinton Was Headed to ER",
        "Hillary Clinton — but ditched her NYPD escort",
        "BREAKING — The president has resigned",
        "EXCLUSIVE – Donald Trump told Breitbart News",
        "WASHINGTON - a hyphen without an outlet is too weak a sign",
        "U.S.-led forces said on Friday",
        "The Pentagon (DoD) — said nothing",
        "THE scourge of ISIS — a female Kurdish warrior",
        "Sanaa, Yemen (CNN)Houthi rebels took the embassy",
        "",
        "—",
    ],
)
def test_not_datelines(text: str) -> None:
    assert find_dateline(text) is None


def test_date_in_dateline_needs_a_year() -> None:
    with_year = find_dateline("MOSCOW, Oct. 7, 2017 (Reuters) - Russia said")
    without_year = find_dateline("MOSCOW, Oct 7 (Reuters) - Russia said")
    assert with_year is not None and without_year is not None
    assert dateline_date(with_year) == "2017-10-07"
    assert dateline_date(without_year) is None
