"""``claimgraph link``, ``clusters`` and ``contradictions`` as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from claimgraph.cli import app
from claimgraph.store import ClaimStore

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


def test_link_then_link_again(extracted_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    shutil.copy(extracted_db, db)
    with ClaimStore(db) as store:
        n = store.counts()["claims"]
    first = runner.invoke(app, ["link", "--db", str(db), "--no-stance"], env=WIDE)
    assert first.exit_code == 0, first.output
    assert f"embedded {n}  linked {n}  new links " in first.output
    assert "contradict " in first.output and "agree " in first.output
    again = runner.invoke(app, ["link", "--db", str(db), "--no-stance"], env=WIDE)
    assert again.exit_code == 0, again.output
    assert "embedded 0  linked 0  new links 0  clusters " in again.output


def test_contradictions_show_both_sides(linked: Path) -> None:
    result = runner.invoke(app, ["contradictions", "--db", str(linked)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "2017-10-04  Russian Defense Ministry in TASS" in result.output
    assert "dismissed (deny): Russian accusations that the United States supports" in result.output
    with ClaimStore(linked) as store:
        n = store.link_counts()["contradict"]
        tass = next(d for d in store.documents() if d.outlet == "TASS")
    start = tass.text.index("The United States supports terrorists")
    assert f"[{tass.doc_id} {start}–" in result.output
    assert result.output.rstrip().endswith(f"contradictions {n}  db {linked}")


def test_contradictions_about_one_entity(linked: Path) -> None:
    every = runner.invoke(app, ["contradictions", "--db", str(linked)], env=WIDE)
    pentagon = runner.invoke(
        app, ["contradictions", "--db", str(linked), "--entity", "Pentagon"], env=WIDE
    )
    assert pentagon.exit_code == 0, pentagon.output
    assert "Pentagon" in pentagon.output
    unknown = runner.invoke(
        app, ["contradictions", "--db", str(linked), "--entity", "Atlantis"], env=WIDE
    )
    assert unknown.exit_code == 1
    assert "no entity named 'Atlantis'" in unknown.output
    count = int(every.output.rsplit("contradictions ", 1)[1].split()[0])
    assert 0 < int(pentagon.output.rsplit("contradictions ", 1)[1].split()[0]) <= count


def test_clusters_are_printed_and_exported(linked: Path, tmp_path: Path) -> None:
    shown = runner.invoke(app, ["clusters", "--db", str(linked)], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert "first seen 2017-10-04 by Russian Defense Ministry (TASS)" in shown.output
    assert "supporting and flirting with" in shown.output
    with ClaimStore(linked) as store:
        n = store.link_counts()["clusters"]
    assert shown.output.rstrip().endswith(f"clusters {n}  db {linked}")

    out = tmp_path / "clusters.jsonl"
    exported = runner.invoke(app, ["clusters", "--db", str(linked), "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == n
    assert all(len(r["members"]) == r["size"] >= 2 for r in records)

    parquet = tmp_path / "clusters.parquet"
    assert runner.invoke(app, ["clusters", "--db", str(linked), "-o", str(parquet)]).exit_code == 0
    assert pq.read_table(parquet).to_pylist() == records


def test_a_missing_or_broken_database_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for command in ("link", "clusters", "contradictions"):
        result = runner.invoke(app, [command, "--db", str(missing)])
        assert result.exit_code == 1
        assert f"{missing}: no such database" in result.output
        assert not missing.exists()
    broken = tmp_path / "notes.db"
    broken.write_text("not a database, just notes\n" * 100, "utf-8")
    for command in ("link", "clusters", "contradictions"):
        result = runner.invoke(app, [command, "--db", str(broken)])
        assert result.exit_code == 1
        assert "cannot open as a claimgraph database" in result.output


def test_an_empty_database_links_and_lists_nothing(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    ClaimStore(db).close()
    result = runner.invoke(app, ["link", "--db", str(db)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "embedded 0  linked 0  new links 0  clusters 0" in result.output
    assert "contradictions 0" in runner.invoke(app, ["contradictions", "--db", str(db)]).output
    assert "clusters 0" in runner.invoke(app, ["clusters", "--db", str(db)]).output


def test_a_syndicated_story_shows_each_contradiction_once(tmp_path: Path) -> None:
    """The same story carried twice (here: the Reuters report, and a copy another site ran
    with one line more) makes the same contradictions twice; they are shown once, with the
    documents of the other links under them, and the count says how many links they are."""
    from claimgraph import api
    from claimgraph.link import link
    from claimgraph.link.report import contradictions

    corpus = Path(__file__).resolve().parents[1] / "fixtures" / "multi_outlet"
    reuters = (corpus / "reuters-2017-10-05-syria-exchange.txt").read_text(encoding="utf-8")
    (tmp_path / "reuters.txt").write_text(reuters, encoding="utf-8")
    copy = reuters.replace("outlet Reuters", "outlet Daily Wire", 1) + "\nReporting by staff.\n"
    (tmp_path / "copy.txt").write_text(copy, encoding="utf-8")
    db = tmp_path / "c.db"
    api.run([tmp_path / "reuters.txt", tmp_path / "copy.txt"], db, on_error=print)
    with ClaimStore(db) as store:
        link(store)
        links = store.link_counts()["contradict"]
        pairs = contradictions(store)
    assert links > len(pairs) > 0
    assert len(pairs) + sum(len(p.repeats) for p in pairs) == links
    said = {(p.a.source, p.a.text, p.b.source, p.b.text) for p in pairs}
    assert len(said) == len(pairs)  # each pair of sides and words once
    assert any(p.repeats for p in pairs)
    result = runner.invoke(app, ["contradictions", "--db", str(db)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "the same words again in " in result.output
    assert result.output.rstrip().endswith(f"contradictions {len(pairs)} ({links} links)  db {db}")
