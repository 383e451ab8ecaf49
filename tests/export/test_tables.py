"""Tabular export: JSONL records, CSV and Parquet rows, read back with their own readers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from claimgraph.export.tables import CLAIM_COLUMNS, export, write_jsonl
from claimgraph.records import (
    Claim,
    Content,
    Cue,
    Dateline,
    DateRef,
    Document,
    Entity,
    EntityRef,
    Place,
    Source,
    Span,
    claim_id,
    content_id,
)
from claimgraph.store import ClaimStore

STORY = (
    "KYIV (AP) — “We will not give up Bakhmut,” President Volodymyr Zelensky said on "
    "Friday in a video address, “not one street.”\nMoscow denied shelling the station."
)
BRIEF = "Water is safe to drink, the utility said in a statement on its website."
EMPTY = "No one was quoted in this short notice about road works on Elm Street."


def at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


KYIV = (703448, "Kyiv", "UA", 50.45466, 30.5238)
BAKHMUT = Place("Bakhmut", *at(STORY, "Bakhmut"), 712165, "Bakhmut", "UA", 48.59441, 38.00054, "P")
ZELENSKY = Entity("Q3874799", "Volodymyr Zelensky", "PERSON", "Q3874799", ("Zelensky",))
RUSSIA = Entity("Q159", "Russia", "GPE", "Q159", ("Moscow",))


def story() -> tuple[Document, list[Claim]]:
    friday = DateRef("on Friday", "2023-03-10", *at(STORY, "on Friday"), "day")
    doc = Document(
        doc_id=content_id(STORY),
        text=STORY,
        title="Zelensky vows to hold Bakhmut",
        outlet="AP",
        published="2023-03-10",
        url="https://example.com/bakhmut",
        dateline=Dateline("KYIV (AP) —", 0, 11, "Kyiv", "AP", *KYIV),
        meta={"lang": "en"},
        dates=(friday,),
        places=(Place("KYIV", 0, 4, *KYIV, "P"), BAKHMUT),
        entities=(ZELENSKY, RUSSIA),
    )
    f1, f2 = at(STORY, "We will not give up Bakhmut,"), at(STORY, "not one street.")
    cue = at(STORY, "said")
    split = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, cue[0], (f1, f2)),
        kind="direct",
        source=Source(
            "President Volodymyr Zelensky",
            *at(STORY, "President Volodymyr Zelensky"),
            resolved="Volodymyr Zelensky",
            entity_id="Q3874799",
            entity_name="Volodymyr Zelensky",
        ),
        cue=Cue("said", *cue, lemma="say", cls="assert"),
        content=Content("We will not give up Bakhmut, … not one street.", (f1, f2)),
        medium=Span("a video address", *at(STORY, "a video address")),
        date=friday,
        places=(BAKHMUT,),
        targets=(EntityRef("Q159", "Russia"),),
    )
    denied = at(STORY, "denied")
    shelling = at(STORY, "shelling the station")
    denial = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, denied[0], (shelling,)),
        kind="indirect",
        source=Source(
            "Moscow",
            *at(STORY, "Moscow"),
            resolved="Russia",
            entity_id="Q159",
            entity_name="Russia",
        ),
        cue=Cue("denied", *denied, lemma="deny", cls="deny"),
        content=Content("shelling the station", (shelling,)),
    )
    return doc, [split, denial]


def brief() -> tuple[Document, list[Claim]]:
    doc = Document(doc_id=content_id(BRIEF), text=BRIEF, outlet="Courier")
    body, cue = at(BRIEF, "Water is safe to drink"), at(BRIEF, "said")
    claim = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, cue[0], (body,)),
        kind="indirect",
        source=None,
        cue=Cue("said", *cue, lemma="say", cls="assert"),
        content=Content("Water is safe to drink", (body,)),
        medium=Span("a statement on its website", *at(BRIEF, "a statement on its website")),
        hedged=True,
    )
    return doc, [claim]


def pairs() -> list[tuple[Document, list[Claim]]]:
    return [story(), brief(), (Document(doc_id=content_id(EMPTY), text=EMPTY), [])]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ClaimStore]:
    with ClaimStore(tmp_path / "claims.db") as s:
        for document, claims in pairs():
            s.add(document, claims)
        yield s


def test_jsonl_export_has_each_document_followed_by_its_claims(
    store: ClaimStore, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "claims.jsonl"
    assert export(store, "jsonl", out) == {"documents": 3, "claims": 3}
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kinds = ["document", "claim", "claim", "document", "claim", "document"]
    assert [r["type"] for r in records] == kinds
    # Through json as the export writes it, since to_dict keeps tuples where JSON has lists.
    expected = [
        json.loads(json.dumps({"type": kind, **record.to_dict()}))
        for document, claims in pairs()
        for kind, record in [("document", document), *(("claim", c) for c in claims)]
    ]
    assert records == expected
    document = records[0]
    assert document["dateline"]["geonameid"] == 703448
    assert [p["name"] for p in document["places"]] == ["Kyiv", "Bakhmut"]
    friday = at(STORY, "on Friday")
    assert document["dates"] == [
        {"text": "on Friday", "value": "2023-03-10", "start": friday[0], "end": friday[1],
         "granularity": "day", "range": None}
    ]  # fmt: skip
    assert document["entities"][0]["aliases"] == ["Zelensky"]
    split = records[1]
    assert split["source"]["entity_id"] == "Q3874799"
    assert split["targets"] == [{"entity_id": "Q159", "name": "Russia"}]
    assert split["places"][0]["lat"] == 48.59441
    assert split["content"]["fragments"] == [
        list(at(STORY, "We will not give up Bakhmut,")),
        list(at(STORY, "not one street.")),
    ]
    assert split["cue"]["class"] == "assert"
    assert not out.with_name("claims.jsonl.part").exists()


def test_csv_export_has_one_flat_row_per_claim(store: ClaimStore, tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    assert export(store, "csv", out) == {"documents": 3, "claims": 3}
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CLAIM_COLUMNS
        rows = list(reader)
    assert len(rows) == 3
    split, denial, water = rows
    assert split["source_resolved"] == "Volodymyr Zelensky"
    assert split["cue_class"] == "assert"
    assert split["content_text"] == "We will not give up Bakhmut, … not one street."
    assert json.loads(split["content_fragments"]) == [
        list(at(STORY, "We will not give up Bakhmut,")),
        list(at(STORY, "not one street.")),
    ]
    assert split["medium_text"] == "a video address"
    assert split["date_value"] == "2023-03-10"
    assert (split["doc_title"], split["doc_outlet"], split["doc_published"]) == (
        "Zelensky vows to hold Bakhmut",
        "AP",
        "2023-03-10",
    )
    assert (split["source_entity_id"], split["source_entity_name"]) == (
        "Q3874799",
        "Volodymyr Zelensky",
    )
    assert split["date_granularity"] == "day"
    assert json.loads(split["targets"]) == [{"entity_id": "Q159", "name": "Russia"}]
    assert json.loads(split["places"]) == [
        {
            "text": "Bakhmut",
            "start": STORY.index("Bakhmut"),
            "end": STORY.index("Bakhmut") + 7,
            "geonameid": 712165,
            "name": "Bakhmut",
            "country_code": "UA",
            "lat": 48.59441,
            "lon": 38.00054,
            "feature_class": "P",
        }
    ]
    assert json.loads(split["dates"]) == []
    assert denial["cue_class"] == "deny"
    assert denial["medium_text"] == ""
    assert (denial["source_entity_id"], denial["source_affiliation"]) == ("Q159", "")
    assert (denial["targets"], denial["places"]) == ("[]", "[]")
    # A claim with no source has empty source cells, not the word "None".
    assert (water["source_text"], water["source_start"], water["hedged"]) == ("", "", "True")
    assert water["doc_outlet"] == "Courier"


def test_parquet_export_has_the_csv_columns_with_types(store: ClaimStore, tmp_path: Path) -> None:
    out = tmp_path / "claims.parquet"
    assert export(store, "parquet", out) == {"documents": 3, "claims": 3}
    table = pq.read_table(out)
    assert tuple(table.column_names) == CLAIM_COLUMNS
    assert table.num_rows == 3
    rows = table.to_pylist()
    assert rows[0]["source_start"] == STORY.index("President")
    assert rows[0]["content_start"] == STORY.index("We will")
    assert rows[0]["content_end"] == STORY.index("not one street.") + len("not one street.")
    assert [r["hedged"] for r in rows] == [False, False, True]
    assert rows[2]["source_text"] is None
    assert rows[1]["source_resolved"] == "Russia"
    assert [r["source_entity_id"] for r in rows] == ["Q3874799", "Q159", None]
    assert [r["date_granularity"] for r in rows] == ["day", None, None]
    assert [json.loads(r["targets"]) for r in rows] == [
        [{"entity_id": "Q159", "name": "Russia"}],
        [],
        [],
    ]


def test_export_of_an_empty_store_writes_headers_only(tmp_path: Path) -> None:
    with ClaimStore(tmp_path / "empty.db") as empty:
        assert export(empty, "csv", tmp_path / "e.csv") == {"documents": 0, "claims": 0}
        assert export(empty, "parquet", tmp_path / "e.parquet") == {"documents": 0, "claims": 0}
        assert export(empty, "jsonl", tmp_path / "e.jsonl") == {"documents": 0, "claims": 0}
    assert (tmp_path / "e.csv").read_text(encoding="utf-8").strip() == ",".join(CLAIM_COLUMNS)
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0
    assert (tmp_path / "e.jsonl").read_text(encoding="utf-8") == ""


def test_unknown_format_is_refused_before_anything_is_written(
    store: ClaimStore, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        export(store, "xlsx", tmp_path / "claims.xlsx")  # type: ignore[arg-type]
    assert list(tmp_path.glob("claims.xlsx*")) == []


def test_write_jsonl_without_a_database_matches_the_export(
    store: ClaimStore, tmp_path: Path
) -> None:
    fh = io.StringIO()
    assert write_jsonl(pairs(), fh) == {"documents": 3, "claims": 3}
    export(store, "jsonl", tmp_path / "claims.jsonl")
    assert fh.getvalue() == (tmp_path / "claims.jsonl").read_text(encoding="utf-8")


def test_jsonl_keeps_one_record_per_line_whatever_the_text(tmp_path: Path) -> None:
    # U+2028 and NEL are line breaks to str.splitlines(); a lone surrogate cannot be UTF-8.
    text = "Line\u2028separator, next\x85line, “open quote 🙂 and a bad byte \udce9."
    doc = Document(doc_id=content_id(text), text=text)
    out = tmp_path / "odd.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        write_jsonl([(doc, [])], fh)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["text"] == text
