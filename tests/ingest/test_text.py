from __future__ import annotations

from pathlib import Path

import pytest

from claimgraph.ingest import IngestError, parse_txt
from claimgraph.records import Document, content_id

BODY = "WASHINGTON (Sputnik) – The Pentagon said the claims were ridiculous."


def parsed(raw: str, origin: str | None = "a.txt") -> Document:
    doc = parse_txt(raw, origin)
    assert isinstance(doc, Document), doc
    assert raw[doc.offset :] == doc.text
    return doc


def test_bundled_example(example_path: Path) -> None:
    with open(example_path, encoding="utf-8") as fh:
        raw = fh.read()
    assert raw.startswith(" date 2017-10-07 WASHINGTON")
    doc = parsed(raw, str(example_path))
    assert doc.published == "2017-10-07"
    assert doc.offset == 17
    assert doc.text.startswith("WASHINGTON (Sputnik) – The aim of the US-led coalition")
    assert doc.outlet == "Sputnik"
    assert doc.dateline is not None
    assert (doc.dateline.start, doc.dateline.end) == (0, 22)
    assert doc.dateline.text == "WASHINGTON (Sputnik) –"
    assert doc.text[doc.dateline.start : doc.dateline.end] == doc.dateline.text
    assert (doc.dateline.place, doc.dateline.outlet) == ("WASHINGTON", "Sputnik")
    assert doc.origin == str(example_path)
    assert doc.doc_id == content_id(doc.text)
    assert doc.text.endswith("present in Syria’s areas held by Daesh.\n\n")


def test_shared_example_matches_as_read_by_the_scorer(shared_dir: Path) -> None:
    path = shared_dir / "examples" / "sputnik-2017-10-07-pentagon.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found (needs ../shared beside the repo)")
    with open(path, encoding="utf-8") as fh:  # how tools/polnear_score.py reads files
        raw = fh.read()
    doc = parsed(raw)
    assert (doc.offset, doc.published, doc.outlet) == (17, "2017-10-07", "Sputnik")


@pytest.mark.parametrize(
    ("raw", "offset"),
    [
        (f"date 2017-10-07 {BODY}", 16),
        (f" date 2017-10-07 {BODY}", 17),
        (f"date 2017-10-07\n{BODY}", 16),
        (f"date 2017-10-07\n\n{BODY}", 17),
        (f"\n\n  date 2017-10-07\n{BODY}", 20),
        (f"published: 2017-10-07\n{BODY}", 22),
        (f"Published: October 7, 2017\n{BODY}", 27),
        (f"date 2017-10-07T09:30:00Z {BODY}", 26),
    ],
)
def test_date_header_forms(raw: str, offset: int) -> None:
    doc = parsed(raw)
    assert doc.published == "2017-10-07"
    assert doc.offset == offset
    assert doc.text == BODY
    assert doc.dateline is not None and doc.dateline.place == "WASHINGTON"


@pytest.mark.parametrize(
    ("dash", "outlet"),
    [("–", "Sputnik"), ("—", "Sputnik"), ("-", "Sputnik"), ("--", "Sputnik")],
)
def test_dateline_dashes(dash: str, outlet: str) -> None:
    doc = parsed(f"date 2017-10-07 WASHINGTON ({outlet}) {dash} The Pentagon said so.")
    assert doc.dateline is not None
    assert doc.dateline.text == f"WASHINGTON ({outlet}) {dash}"
    assert doc.text[doc.dateline.start : doc.dateline.end] == doc.dateline.text
    assert doc.outlet == outlet


def test_no_header_leading_whitespace_is_counted_in_offset() -> None:
    raw = "\n   LONDON (AP) — The minister said she would not resign.\n"
    doc = parsed(raw)
    assert doc.offset == 4
    assert doc.text == "LONDON (AP) — The minister said she would not resign.\n"
    assert doc.published is None
    assert doc.outlet == "AP"
    assert doc.dateline is not None and doc.dateline.place == "LONDON"


def test_all_header_keys() -> None:
    raw = (
        "title Pentagon rejects Russian claims\n"
        "url https://sputniknews.com/world/201710071058070000-pentagon/\n"
        "outlet Sputnik News\n"
        "date 2017-10-07\n"
        "\n"
        "MOSCOW, Oct 7 (Reuters) - The Pentagon said so.\n"
    )
    doc = parsed(raw)
    assert doc.title == "Pentagon rejects Russian claims"
    assert doc.url == "https://sputniknews.com/world/201710071058070000-pentagon/"
    assert doc.outlet == "Sputnik News"  # the header wins over the dateline's outlet
    assert doc.published == "2017-10-07"
    assert doc.text == "MOSCOW, Oct 7 (Reuters) - The Pentagon said so.\n"
    assert doc.dateline is not None and doc.dateline.outlet == "Reuters"


def test_year_in_dateline_gives_published_when_no_header() -> None:
    doc = parsed("MOSCOW, Oct. 7, 2017 (Reuters) - Russia said so.")
    assert doc.published == "2017-10-07"
    assert doc.offset == 0


@pytest.mark.parametrize(
    "raw",
    [
        "Stealth Over Health: Hillary Clinton Was Headed to ER\n\nThe Post reports.\n",
        "Title IX ruling upheld by the court\n\nThe judge said.\n",
        "Date night at the White House\n\nThe president said.\n",
        "date night at the White House was cancelled, aides said.\n",
        "Outlet malls are closing, the report said.\n",
        "url shorteners hide links, researchers said.\n",
        "title\nThe minister said.\n",
        "published: sometime last year, the memo said.\n",
    ],
)
def test_body_that_only_looks_like_a_header_is_kept_whole(raw: str) -> None:
    doc = parsed(raw)
    assert doc.offset == 0
    assert doc.text == raw
    assert (doc.title, doc.published, doc.url, doc.outlet) == (None, None, None, None)


def test_header_parsing_stops_at_first_body_line() -> None:
    raw = "date 2017-10-07\nThe minister said.\ntitle Not a header\n"
    doc = parsed(raw)
    assert doc.title is None
    assert doc.text == "The minister said.\ntitle Not a header\n"


def test_repeated_key_ends_the_header() -> None:
    raw = "date 2017-10-07\ndate 2017-10-08\nThe minister said.\n"
    doc = parsed(raw)
    assert doc.published == "2017-10-07"
    assert doc.text == "date 2017-10-08\nThe minister said.\n"


def test_byte_order_mark_is_counted_in_offset() -> None:
    raw = "\ufeffdate 2017-10-07\nThe minister said.\n"
    doc = parsed(raw)
    assert (doc.offset, doc.published) == (17, "2017-10-07")


def test_body_characters_are_untouched() -> None:
    body = "He said: “No.\u00a0Never.” \r\n\t‘Unbalanced \"quotes' «mixed» \u2028end  \n\n"
    doc = parsed(f"date 2017-10-07\n{body}")
    assert doc.text == body


def test_unbalanced_quotes_pass_through() -> None:
    raw = "The senator said “the bill will pass, and 'we will see.\n"
    assert parsed(raw).text == raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty file"),
        ("  \n\t\n", "no text (only whitespace)"),
        ("date 2017-10-07\n\n", "no text after the header lines"),
    ],
)
def test_no_text_is_an_error(raw: str, reason: str) -> None:
    assert parse_txt(raw, "a.txt") == IngestError("a.txt", reason)


def test_origin_defaults() -> None:
    assert parse_txt("") == IngestError("<text>", "empty file")
    doc = parse_txt("The minister said.")
    assert isinstance(doc, Document) and doc.origin is None


def test_five_megabyte_paragraph_is_one_document() -> None:
    sentence = "The minister said the talks, which began in Geneva, would go on. "
    raw = "date 2017-10-07 " + sentence * (5_000_000 // len(sentence))
    doc = parsed(raw)
    assert len(doc.text) > 4_900_000
    assert doc.published == "2017-10-07"


def test_same_content_same_id() -> None:
    first = parsed(f"date 2017-10-07 {BODY}")
    second = parsed(f"title Another header\n\n{BODY}", "b.txt")
    assert first.doc_id == second.doc_id == content_id(BODY)


def test_polnear_files_are_stored_unchanged(polnear_texts: list[Path]) -> None:
    for path in polnear_texts:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
        doc = parsed(raw, str(path))
        assert doc.offset == 0, path
        assert doc.text == raw, path
        assert doc.published is None and doc.title is None, path
