"""Migrations: a database written by the first schema opens, migrated, with its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

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
    claim_id,
    content_id,
)
from claimgraph.store import MIGRATIONS, SCHEMA_VERSION, ClaimStore, StoreError

TEXT = "WASHINGTON (AP) – The senator said on Tuesday that the bill would pass in March."
NEW_TABLES = {
    "entities", "aliases", "document_entities", "dates", "places", "claim_dates",
    "claim_places", "claim_targets",
}  # fmt: skip


def at(piece: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


DOC_ID = content_id(TEXT)
CUE, BODY, SOURCE, WHEN = (
    at("said"),
    at("the bill would pass in March"),
    at("The senator"),
    at("on Tuesday"),
)
CLAIM_ID = claim_id(DOC_ID, CUE[0], (BODY,))


def write_version_1(path: Path) -> None:
    """A file as claimgraph with schema version 1 left it: its tables and one article."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, '2024-05-01T00:00:00+00:00')")
    dl = at("WASHINGTON (AP) –")
    conn.execute(
        "INSERT INTO documents (doc_id, text, title, outlet, published, text_offset, "
        "dateline_text, dateline_start, dateline_end, dateline_place, dateline_outlet, meta, "
        "added_at) VALUES (?, ?, ?, 'AP', '2024-05-15', 0, ?, ?, ?, 'Washington', 'AP', "
        "'{\"lang\": \"en\"}', '2024-05-01T00:00:00+00:00')",
        (DOC_ID, TEXT, "Senate bill", TEXT[slice(*dl)], *dl),
    )
    conn.execute(
        "INSERT INTO claims (claim_id, doc_id, kind, source_text, source_start, source_end, "
        "source_resolved, cue_text, cue_start, cue_end, cue_lemma, cue_class, content_text, "
        "hedged, date_text, date_value, date_start, date_end) "
        "VALUES (?, ?, 'indirect', 'The senator', ?, ?, NULL, 'said', ?, ?, 'say', 'assert', ?, "
        "0, 'on Tuesday', '2024-05-14', ?, ?)",
        (CLAIM_ID, DOC_ID, *SOURCE, *CUE, TEXT[slice(*BODY)], *WHEN),
    )
    conn.executemany(
        'INSERT INTO spans (claim_id, doc_id, role, fragment, start, "end", text) '
        "VALUES (?, ?, ?, 0, ?, ?, ?)",
        [
            (CLAIM_ID, DOC_ID, role, *span, TEXT[slice(*span)])
            for role, span in (("source", SOURCE), ("cue", CUE), ("content", BODY), ("date", WHEN))
        ],
    )
    conn.commit()
    conn.close()


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    return names


def test_a_version_1_file_is_migrated_on_open_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_version_1(path)
    assert not NEW_TABLES & tables(path)

    with ClaimStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        assert list(store.documents()) == [
            Document(
                doc_id=DOC_ID,
                text=TEXT,
                title="Senate bill",
                outlet="AP",
                published="2024-05-15",
                dateline=Dateline("WASHINGTON (AP) –", 0, 17, "Washington", "AP"),
                meta={"lang": "en"},
            )
        ]
        assert list(store.claims()) == [
            Claim(
                doc_id=DOC_ID,
                claim_id=CLAIM_ID,
                kind="indirect",
                source=Source("The senator", *SOURCE),
                cue=Cue("said", *CUE, "say", "assert"),
                # Neither the content's negation nor the granularity was recorded by
                # version 1: they stay unknown (None).
                content=Content(TEXT[slice(*BODY)], (BODY,)),
                date=DateRef("on Tuesday", "2024-05-14", *WHEN),
            )
        ]
        assert [c.claim_id for c in store.search("bill")] == [CLAIM_ID]
        versions = store.connection.execute("SELECT version FROM schema_version").fetchall()
    assert versions == [(1,), (2,), (3,), (4,)]
    assert tables(path) >= NEW_TABLES


def test_a_migrated_file_takes_records_with_every_new_field(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_version_1(path)
    text = "Senator Ruiz said the vote in Ohio would come in March."
    said, body = at("said", text), at("the vote in Ohio would come in March", text)
    march = DateRef("in March", "2025-03", *at("in March", text), "month")
    ohio = Place("Ohio", *at("Ohio", text), 5165418, "Ohio", "US", 40.25034, -83.00018, "A")
    ruiz = Entity("ruiz", "Ana Ruiz", "PERSON", None, ("Senator Ruiz",))
    doc = Document(
        content_id(text), text, published="2024-11-02", dates=(march,), places=(ohio,),
        entities=(ruiz,),
    )  # fmt: skip
    claim = Claim(
        doc.doc_id, claim_id(doc.doc_id, said[0], (body,)), "indirect",
        Source("Senator Ruiz", *at("Senator Ruiz", text), "Ana Ruiz", "ruiz", "Ana Ruiz"),
        Cue("said", *said, "say", "assert"), Content(text[slice(*body)], (body,)),
        dates=(march,), places=(ohio,), targets=(EntityRef("ruiz", "Ana Ruiz"),),
    )  # fmt: skip
    with ClaimStore(path) as store:
        assert store.add(doc, [claim])
    with ClaimStore(path) as store:
        assert [d.doc_id for d in store.documents()] == [DOC_ID, doc.doc_id]
        assert store.document(doc.doc_id) == doc
        assert list(store.claims(doc.doc_id)) == [claim]


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_version_1(path)
    # A table of the user's own that happens to take a name version 2 needs.
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE places (note TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"old\.db: cannot open .*places already exists"):
        ClaimStore(path)
    conn = sqlite3.connect(path)
    (version,) = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    columns = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    conn.close()
    assert version == 1
    assert "dateline_geonameid" not in columns  # the ALTERs before the failure were undone
    assert "entities" not in tables(path)
