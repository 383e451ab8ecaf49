from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from claimgraph.ingest import IngestError, read_inputs
from claimgraph.ingest.tabular import document_from_record, read_csv, read_jsonl, read_jsonl_text
from claimgraph.records import Document, content_id


def split(items: list[Document | IngestError]) -> tuple[list[Document], list[IngestError]]:
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, IngestError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


def test_jsonl_good_records_survive_bad_lines(fixtures_dir: Path) -> None:
    path = fixtures_dir / "records.jsonl"
    docs, errors = split(list(read_inputs([path])))
    assert [d.meta["input_id"] for d in docs] == ["a1", "6"]
    assert [str(e) for e in errors] == [
        f"{path}:2: invalid JSON: Expecting ',' delimiter (column 55)",
        f"{path}:4: missing 'text' field (fields: id, title)",
        f"{path}:5: 'text' is empty",
        f"{path}:6: 'text' must be a string, got int",
        f"{path}:7: record must be a JSON object with a 'text' field, got list",
    ]
    first, last = docs
    assert first.text == "WASHINGTON (AP) — The senator said the bill would pass."
    assert first.doc_id == content_id(first.text)
    assert first.origin == f"{path}:1"
    assert (first.title, first.published, first.outlet) == ("Bill to pass", "2017-10-07", "AP")
    assert first.dateline is not None and first.dateline.place == "WASHINGTON"
    assert first.meta == {"format": "jsonl", "input_id": "a1", "fields": {"author": "J. Smith"}}
    assert first.offset == 0
    assert last.text == "Officials said the talks had “collapsed."  # unbalanced quote kept
    assert (last.published, last.outlet, last.origin) == ("2017-10-08", "Reuters", f"{path}:8")


def test_csv_good_rows_survive_bad_rows(fixtures_dir: Path) -> None:
    path = fixtures_dir / "records.csv"
    docs, errors = split(list(read_inputs([path])))
    assert [str(e) for e in errors] == [f"{path}:3: 'text' is empty"]
    assert [d.meta["input_id"] for d in docs] == ["b1", "b3", "b4"]
    b1, b3, b4 = docs
    assert b1.text == 'The Pentagon said the claims were "ridiculous".'
    assert (b1.title, b1.published, b1.origin) == ("Pentagon statement", "2017-10-07", f"{path}:2")
    assert b3.text == "LONDON (AP) — The minister said:\n“We will not resign.”"
    assert (b3.published, b3.outlet, b3.origin) == ("2017-10-08", "AP", f"{path}:4")
    assert b4.published is None
    assert b4.meta["published_raw"] == "sometime"
    assert b4.origin == f"{path}:6"


def test_tsv_is_read_with_tabs(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("text\tdate\nThe minister said so.\t2017-10-07\n", encoding="utf-8")
    [doc] = read_inputs([path])
    assert isinstance(doc, Document)
    assert (doc.text, doc.published) == ("The minister said so.", "2017-10-07")


def test_csv_header_names_are_case_and_space_insensitive() -> None:
    data = "\ufeff ID , Text ,Date\nx9,The minister said so.,2017-10-07\n".encode()
    [doc] = read_csv(data, "a.csv")
    assert isinstance(doc, Document)
    assert (doc.meta["input_id"], doc.published) == ("x9", "2017-10-07")


def test_csv_without_text_column_is_one_error() -> None:
    data = b"Body ID,headline\n1,The minister said so.\n2,Another one.\n"
    assert list(read_csv(data, "bodies.csv")) == [
        IngestError(
            "bodies.csv", "no 'text' column in the header row (columns: 'body id', 'headline')"
        )
    ]


def test_a_body_column_is_the_text() -> None:
    """FNC-1's bodies file names its text "articleBody"; other exports say "body". A real
    "text" column wins over both."""
    data = b"Body ID,articleBody\n1,The minister said so.\n2,\n"
    one, empty = read_csv(data, "bodies.csv")
    assert isinstance(one, Document) and one.text == "The minister said so."
    assert one.meta["fields"] == {"body id": "1"}
    assert empty == IngestError("bodies.csv:3", "'text' is empty")
    record = {"body": "It rained.", "text": "It snowed."}
    doc = document_from_record(record, "a.jsonl:1", "jsonl")
    assert isinstance(doc, Document) and doc.text == "It snowed."
    assert doc.meta["fields"] == {"body": "It rained."}
    doc = document_from_record({"Body": "It rained."}, "a.jsonl:2", "jsonl")
    assert isinstance(doc, Document) and doc.text == "It rained." and "fields" not in doc.meta


def test_csv_bad_utf8_row_is_reported_and_others_kept() -> None:
    data = b"id,text\n1,The minister said so.\n2,Caf\xe9 owners said so.\n3,The mayor agreed.\n"
    items = list(read_csv(data, "a.csv"))
    docs, errors = split(items)
    assert [d.meta["input_id"] for d in docs] == ["1", "3"]
    assert errors == [IngestError("a.csv:3", "field 'text' is not valid UTF-8")]


def test_csv_row_over_the_default_field_limit() -> None:
    text = "The minister said so. " * 20_000  # 440 kB, over csv's default 128 kB field limit
    data = ("text\n" + text + "\n").encode()
    [doc] = read_csv(data, "big.csv")
    assert isinstance(doc, Document) and doc.text == text


def test_csv_with_unterminated_quote_keeps_earlier_rows() -> None:
    data = b'text\nThe minister said so.\n"The mayor said, \xe2\x80\x9cno.\n'
    docs, _ = split(list(read_csv(data, "a.csv")))
    assert docs[0].text == "The minister said so."


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"\n\n", "empty file"), (b"\xff\xfet\x00e\x00", "binary or UTF-16")],
)
def test_csv_and_jsonl_whole_file_errors(data: bytes, reason: str) -> None:
    for reader in (read_csv, read_jsonl):
        [error] = reader(data, "f")
        assert isinstance(error, IngestError) and error.reason.startswith(reason)


def test_jsonl_bad_utf8_line_names_line_and_byte() -> None:
    data = (
        b'{"text": "The minister said so."}\n{"text": "Caf\xe9"}\n{"text": "The mayor agreed."}\n'
    )
    items = list(read_jsonl(data, "f.jsonl"))
    assert [type(i).__name__ for i in items] == ["Document", "IngestError", "Document"]
    assert str(items[1]) == (
        "f.jsonl:2: not valid UTF-8 at byte 47 (0xe9); re-save the file as UTF-8"
    )
    assert data[47] == 0xE9


def test_jsonl_crlf_and_bom_and_blank_lines() -> None:
    data = b'\xef\xbb\xbf{"text": "The minister said so."}\r\n\r\n{"text": "The mayor agreed."}\r\n'
    docs, errors = split(list(read_jsonl(data, "f.jsonl")))
    assert errors == []
    assert [(d.text, d.origin) for d in docs] == [
        ("The minister said so.", "f.jsonl:1"),
        ("The mayor agreed.", "f.jsonl:3"),
    ]


def test_jsonl_text_from_a_stream() -> None:
    text = '{"text": "The minister said so."}\nnot json\n'
    items = list(read_jsonl_text(text, "<stdin>"))
    assert isinstance(items[0], Document) and items[0].origin == "<stdin>:1"
    assert items[1] == IngestError("<stdin>:2", "invalid JSON: Expecting value (column 1)")


def test_claimgraph_output_read_back_is_its_documents_and_one_note_for_its_claims() -> None:
    import claimgraph
    from claimgraph.export.tables import write_jsonl

    text = "The minister said the bridge would reopen in May. The mayor denied it."
    document = claimgraph.make_document(text)
    claims = claimgraph.extract(text)
    assert len(claims) >= 2
    out = io.StringIO()
    write_jsonl([(document, claims)], out)
    data = out.getvalue() + '{"type": "claim"}\nnot json\n'
    lines = data.count("\n")
    for items in (list(read_jsonl(data.encode(), "out.jsonl")), list(read_jsonl_text(data, "-"))):
        docs, errors = split(items)
        assert [d.text for d in docs] == [text]
        assert [d.doc_id for d in docs] == [document.doc_id]
        # the bad line keeps its own error; the claim records are one note, wherever they are
        where = "out.jsonl" if items[0].origin.startswith("out") else "-"
        assert errors == [
            IngestError(f"{where}:{lines}", "invalid JSON: Expecting value (column 1)"),
            IngestError(
                f"{where}:2-{lines - 1}",
                f"{lines - 2} claim records of claimgraph output skipped (not articles; the "
                "claims are extracted again from its document records)",
            ),
        ]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (None, "record must be a JSON object with a 'text' field, got null"),
        ("text", "record must be a JSON object with a 'text' field, got str"),
        ({"text": None}, "'text' must be a string, got null"),
        ({"text": ["a", "b"]}, "'text' must be a string, got list"),
        ({"text": " \n "}, "'text' is empty"),
        ({"text": "Caf\udce9"}, "field 'text' contains an unpaired surrogate"),
        ({"text": "ok", "tags": ["\ud800"]}, "field 'tags' contains an unpaired surrogate"),
    ],
)
def test_bad_records(record: object, reason: str) -> None:
    assert document_from_record(record, "f.jsonl:3", "jsonl") == IngestError("f.jsonl:3", reason)


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    line = "[" * 100_000 + "]" * 100_000
    [error] = read_jsonl(line.encode(), "f.jsonl")
    assert isinstance(error, IngestError) and error.origin == "f.jsonl:1"


def test_record_fields() -> None:
    record = {
        "id": 17,
        "text": "The minister said so.",
        "Title": "  Minister speaks ",
        "url": "https://example.org/a",
        "outlet": "Reuters",
        "published": "",
        "date": "2017-10-07T10:00:00Z",
        "tags": ["politics"],
    }
    doc = document_from_record(record, "f.jsonl:1", "jsonl")
    assert isinstance(doc, Document)
    assert doc.title == "Minister speaks"
    assert (doc.url, doc.outlet, doc.published) == (
        "https://example.org/a",
        "Reuters",
        "2017-10-07",
    )
    assert doc.meta == {"format": "jsonl", "input_id": "17", "fields": {"tags": ["politics"]}}


def test_same_text_same_id_whatever_the_input_id(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [
        {"id": "x", "text": "The minister said so."},
        {"id": "y", "text": "The minister said so."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    first, second = read_inputs([path])
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.doc_id == second.doc_id == content_id("The minister said so.")
    assert (first.meta["input_id"], second.meta["input_id"]) == ("x", "y")


def test_dct_is_the_published_date() -> None:
    # TempEval-3 JSONL names the publication date "dct" (document creation time).
    record = {"docid": "APW19980227.0487", "dct": "1998-02-27", "text": "Prices rose Friday."}
    doc = document_from_record(record, "tbaq.jsonl:1", "jsonl")
    assert isinstance(doc, Document)
    assert doc.published == "1998-02-27"
    assert doc.meta["fields"] == {"docid": "APW19980227.0487"}
    both = document_from_record({**record, "published": "1998-03-01"}, "f.jsonl:2", "jsonl")
    assert isinstance(both, Document) and both.published == "1998-03-01"
