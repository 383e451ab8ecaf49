from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimgraph.ingest import IngestError, read_inputs
from claimgraph.records import Document, content_id

ARTICLE = " date 2017-10-07 WASHINGTON (Sputnik) – The Pentagon said the claims were ridiculous.\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def describe(items: list[Document | IngestError]) -> list[str]:
    return [i.origin if isinstance(i, Document) else f"ERROR {i}" for i in items]


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    write(root / "b.txt", "The mayor said so.")
    write(root / "a.txt", ARTICLE)
    write(root / "sub" / "c.jsonl", '{"text": "The minister said so."}\n')
    write(root / "sub" / "deeper" / "d.csv", "text\nThe senator said so.\n")
    write(root / "notes.md", "# not an article")
    write(root / ".hidden.txt", "skipped")
    write(root / ".git" / "config.txt", "skipped")
    items = list(read_inputs([root]))
    assert describe(items) == [
        str(root / "a.txt"),
        str(root / "b.txt"),
        f"ERROR {root / 'notes.md'}: unsupported file type '.md' (known: .txt, .text, "
        ".jsonl, .ndjson, .csv, .tsv, .html, .htm)",
        f"{root / 'sub' / 'c.jsonl'}:1",
        f"{root / 'sub' / 'deeper' / 'd.csv'}:2",
    ]


def test_a_folder_leaves_out_the_runs_own_outputs(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    for name in ("claims.db", "claims.db-wal", "claims.db-shm", "out.jsonl", "brat/x.ann"):
        write(tmp_path / name, "")
    write(tmp_path / "other.db", "")  # not this run's: the user hears about it
    outputs = [tmp_path / "claims.db", str(tmp_path / "out.jsonl"), tmp_path / "brat"]
    assert describe(list(read_inputs([tmp_path], outputs=outputs))) == [
        str(tmp_path / "a.txt"),
        f"ERROR {tmp_path / 'other.db'}: unsupported file type '.db' (known: .txt, .text, "
        ".jsonl, .ndjson, .csv, .tsv, .html, .htm)",
    ]


def test_several_paths_keep_their_order(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "The mayor said so.")
    b = write(tmp_path / "b.txt", "The senator said so.")
    assert describe(list(read_inputs([b, str(a)]))) == [str(b), str(a)]


def test_single_path_string_is_not_split_into_characters(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "The mayor said so.")
    assert describe(list(read_inputs(str(a)))) == [str(a)]


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert list(read_inputs([tmp_path / "empty"])) == [
        IngestError(str(tmp_path / "empty"), "folder contains no input files")
    ]


def test_stdin_text() -> None:
    [doc] = read_inputs(["-"], stdin=io.StringIO(ARTICLE))
    assert isinstance(doc, Document)
    assert (doc.origin, doc.published, doc.offset, doc.outlet) == (
        "<stdin>",
        "2017-10-07",
        17,
        "Sputnik",
    )
    assert ARTICLE[doc.offset :] == doc.text


def test_stdin_jsonl_is_recognised_by_its_first_brace() -> None:
    stream = io.StringIO('\n  {"text": "The minister said so."}\n{"text": ""}\n')
    items = list(read_inputs(["-"], stdin=stream))
    assert describe(items) == ["<stdin>:2", "ERROR <stdin>:3: 'text' is empty"]


def test_stdin_bytes_from_the_real_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO(b"The minister said so.\r\nThe mayor agreed.\r\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    [doc] = read_inputs(["-"])
    assert isinstance(doc, Document)
    assert doc.text == "The minister said so.\nThe mayor agreed.\n"


def test_stdin_bad_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Caf\xe9"), encoding="utf-8"))
    assert list(read_inputs(["-"])) == [
        IngestError("<stdin>", "not valid UTF-8 at byte 3 (0xe9); re-save the file as UTF-8")
    ]


def test_stdin_text_stream_that_fails_to_decode() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"Caf\xe9"), encoding="utf-8")
    [error] = read_inputs(["-"], stdin=stream)
    assert isinstance(error, IngestError) and error.origin == "<stdin>"
    assert error.reason.startswith("not valid UTF-8")


def test_empty_stdin() -> None:
    assert list(read_inputs(["-"], stdin=io.StringIO(""))) == [IngestError("<stdin>", "empty file")]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n", "no text (only whitespace)"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL byte at byte 8)"),
        (
            "latin1.txt",
            "The café owner said so.".encode("latin-1"),
            "not valid UTF-8 at byte 7 (0xe9)",
        ),
        ("utf16.txt", "The minister said so.".encode("utf-16"), "file is UTF-16 encoded"),
        ("empty.jsonl", b"", "empty file"),
        ("empty.csv", b"", "empty file"),
        ("header-only.csv", b"id,text\n\n", "no rows after the header row"),
        ("empty.html", b"", "empty file"),
        ("binary.jsonl", b"\x00\x01\x02{}", "binary or UTF-16 file"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
        ("README", b"text", "unsupported file type '(none)'"),
    ],
)
def test_bad_files_give_one_clear_error(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = write(tmp_path / name, content)
    [error] = read_inputs([path])
    assert isinstance(error, IngestError)
    assert error.origin == str(path)
    assert error.reason.startswith(reason)
    assert "\n" not in str(error)


def test_missing_path_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", "The mayor said so.")
    items = list(read_inputs([tmp_path / "missing.txt", good]))
    assert describe(items) == [
        f"ERROR {tmp_path / 'missing.txt'}: no such file or directory",
        str(good),
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", "The mayor said so.")
    path.chmod(0)
    try:
        [error] = read_inputs([path])
    finally:
        path.chmod(0o644)
    assert error == IngestError(str(path), "cannot read: Permission denied")


def test_five_megabyte_single_paragraph_file(tmp_path: Path) -> None:
    sentence = "The minister said the talks, which began in “Geneva, would go on. "
    text = sentence * (5_000_000 // len(sentence))
    path = write(tmp_path / "long.txt", text)
    [doc] = read_inputs([path])
    assert isinstance(doc, Document)
    assert doc.text == text and doc.offset == 0


def test_reingesting_gives_the_same_ids(tmp_path: Path) -> None:
    txt = write(tmp_path / "a.txt", ARTICLE)
    jsonl = write(
        tmp_path / "b.jsonl",
        json.dumps({"id": "other-id", "text": ARTICLE[17:], "published": "2017-10-07"}) + "\n",
    )
    first = [d.doc_id for d in read_inputs([txt, jsonl]) if isinstance(d, Document)]
    second = [d.doc_id for d in read_inputs([txt, jsonl]) if isinstance(d, Document)]
    assert first == second == [content_id(ARTICLE[17:])] * 2


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.lists(
            st.sampled_from(
                [
                    b"date 2017-10-07 ",
                    b"WASHINGTON (AP) \xe2\x80\x94 ",
                    b"{",
                    b'"text"',
                    b":",
                    b"}",
                    b"\n",
                    b"\r\n",
                    b",",
                    b'"',
                    b"\xff",
                    b"\x00",
                    b"text",
                    b"\xe2\x80\x9c",
                    b"title ",
                    b"published: ",
                    b"<p>",
                    b"</p>",
                ]
            ),
            max_size=40,
        ).map(b"".join),
    ),
    suffix=st.sampled_from([".txt", ".jsonl", ".csv", ".tsv", ".html", ".md"]),
)
def test_any_bytes_give_documents_or_errors(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(content)
    items = list(read_inputs([path]))
    assert items, "every input yields at least one item"
    for item in items:
        assert isinstance(item, Document | IngestError)
        if isinstance(item, IngestError):
            assert item.origin.startswith(str(path))
            assert "\n" not in str(item)
        else:
            assert item.text.strip()
            assert item.doc_id == content_id(item.text)
            if suffix == ".txt":
                with open(path, encoding="utf-8") as fh:
                    assert fh.read()[item.offset :] == item.text
            if item.dateline is not None:
                assert item.text[item.dateline.start : item.dateline.end] == item.dateline.text
