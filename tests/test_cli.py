"""The claimgraph command as a user runs it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from claimgraph.cli import app
from claimgraph.store import ClaimStore

runner = CliRunner()


def test_run_on_the_bundled_example_then_again_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = runner.invoke(app, ["run", "--db", str(db)], env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    assert "Pentagon spokesperson" in first.output
    assert "documents 1 (new 1, already stored 0)" in first.output
    assert "errors 0" in first.output
    with ClaimStore(db) as store:
        counts = store.counts()
    assert counts["documents"] == 1 and counts["claims"] >= 8
    again = runner.invoke(app, ["run", "--db", str(db)], env={"COLUMNS": "200"})
    assert "documents 1 (new 0, already stored 1)" in again.output
    with ClaimStore(db) as store:
        assert store.counts() == counts


def test_outputs_written_into_the_folder_being_read_are_not_read_back(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The minister said that taxes would rise.", "utf-8")
    db, out = tmp_path / "claims.db", tmp_path / "claims.jsonl"
    for _ in range(2):  # the second run finds the database (and its side files) in the folder
        result = runner.invoke(app, ["run", str(tmp_path), "--db", str(db)])
        assert result.exit_code == 0 and "errors 0" in result.output, result.output
    assert "documents 1 (new 0, already stored 1)" in result.output
    db.unlink()  # (else the extract below, rightly, reports it as no input it can read)
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(out), "-f", "jsonl"])
    assert result.exit_code == 0 and "documents 1 " in result.output, result.output
    assert "errors 0" in result.output, result.output


def test_bad_inputs_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    good = tmp_path / "good.txt"
    good.write_text("The minister said that taxes would rise.", "utf-8")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 said".encode("latin-1"))
    lines = tmp_path / "records.jsonl"
    lines.write_text(
        '{"text": "The mayor said that the road would reopen."}\n{broken\n{"title": "no text"}\n',
        "utf-8",
    )
    result = runner.invoke(app, ["run", str(tmp_path), "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "errors 5" in result.output
    assert "documents 2 (new 2" in result.output
    for name in ("empty.txt", "binary.txt", "latin1.txt", "records.jsonl:2", "records.jsonl:3"):
        assert name in result.output


def test_a_published_value_that_is_no_date_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """The record is read and stored (the value kept in its meta), and the user is told
    which record and why its relative dates stay unresolved; the summary counts no error."""
    lines = tmp_path / "records.jsonl"
    lines.write_text(
        json.dumps({"text": "The mayor said on Friday that the road would reopen.",
                    "published": "sometime"}) + "\n"
        + json.dumps({"text": "The senator said that the bill would pass.",
                      "published": "2017-10-07"}) + "\n",
        "utf-8",
    )  # fmt: skip
    db = tmp_path / "c.db"
    result = runner.invoke(app, ["run", str(lines), "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "errors 0" in result.output and "documents 2 (new 2" in result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1, result.output
    assert "records.jsonl:1: 'published' 'sometime' is not a date" in warnings[0]
    extracted = runner.invoke(app, ["extract", str(lines)])
    assert extracted.exit_code == 0
    assert "warning" in extracted.output and "records.jsonl:1" in extracted.output


def test_extract_jsonl_to_stdout() -> None:
    result = runner.invoke(
        app, ["extract", "-"], input="The senator told reporters that the bill would pass.\n"
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["type"] for r in records] == ["document", "claim"]
    claim = records[1]
    text = records[0]["text"]
    assert claim["source"]["text"] == "The senator"
    assert text[claim["cue"]["start"] : claim["cue"]["end"]] == "told"
    assert claim["content"]["fragments"] == [[text.index("that"), text.index(" pass") + 5]]
    assert claim["content"]["negated"] is False


def test_extract_jsonl_records_where_the_parse_puts_a_negation() -> None:
    text = (
        "The senator told reporters that the bill would not pass. Police said two men were "
        "arrested because they did not stop."
    )
    result = runner.invoke(app, ["extract", "-"], input=text + "\n")
    assert result.exit_code == 0, result.output
    claims = [json.loads(line) for line in result.stdout.splitlines() if '"claim"' in line]
    negated = {c["content"]["text"]: c["content"]["negated"] for c in claims}
    assert negated == {
        "that the bill would not pass": True,
        "two men were arrested because they did not stop": False,
    }


def test_extract_brat_maps_offsets_back_to_the_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    raw = "date 2017-10-07\nThe senator told reporters that the bill would pass.\n"
    (src / "story.txt").write_text(raw, "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(src), "--format", "brat", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ann = (out / "story.ann").read_text("utf-8")
    spans = {}
    for line in ann.splitlines():
        if line.startswith("T"):
            _, head, surface = line.split("\t")
            kind, start, end = head.split(" ")
            assert raw[int(start) : int(end)] == surface
            spans[kind] = surface
    assert spans == {"Source": "The senator", "Cue": "told", "Content": "that the bill would pass"}


def test_export_formats(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    runner.invoke(app, ["run", "--db", str(db), "--no-table"])
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"claims.{fmt}"
        result = runner.invoke(app, ["export", "--db", str(db), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
    with ClaimStore(db) as store:
        n = store.counts()["claims"]
    with (tmp_path / "claims.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == n
    assert pq.read_table(tmp_path / "claims.parquet").num_rows == n
    kinds = [
        json.loads(x)["type"] for x in (tmp_path / "claims.jsonl").read_text("utf-8").splitlines()
    ]
    assert kinds.count("claim") == n and kinds.count("document") == 1


def test_export_without_database_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no such database" in result.output
