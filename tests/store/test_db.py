"""ClaimStore: exact round-trip of records, idempotent writes, WAL, migrations, FTS, Datasette."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimgraph.records import (
    Claim,
    Content,
    Cue,
    Dateline,
    DateRef,
    Document,
    Source,
    Span,
    claim_id,
    content_id,
)
from claimgraph.store import SCHEMA_VERSION, ClaimStore, StoreError

WIRE = (
    "WASHINGTON (Reuters) – “The tariffs will stay,” Commerce Secretary Gina Raimondo said "
    "on Tuesday in an interview with CNBC, “until the talks succeed.”\n\n"
    "It was denied that the Ohio plant would close. Analysts said the deal may collapse."
)
LOCAL = "Mayor Ana Ruiz told reporters the Fifth Street bridge is safe for traffic."


def at(text: str, piece: str, after: int = 0) -> tuple[int, int]:
    start = text.index(piece, after)
    return start, start + len(piece)


def wire_document() -> Document:
    d_start, d_end = at(WIRE, "WASHINGTON (Reuters) –")
    return Document(
        doc_id=content_id(WIRE),
        text=WIRE,
        title="U.S. keeps tariffs in place",
        outlet="Reuters",
        published="2024-05-14",
        url="https://example.com/tariffs",
        dateline=Dateline(WIRE[d_start:d_end], d_start, d_end, "Washington", "Reuters"),
        origin="corpus/tariffs.txt",
        offset=42,
        meta={"section": "business", "tags": ["trade", "china"], "wordcount": 41},
    )


def wire_claims(doc: Document) -> list[Claim]:
    text = doc.text
    f1 = at(text, "The tariffs will stay,")
    f2 = at(text, "until the talks succeed.")
    src = at(text, "Commerce Secretary Gina Raimondo")
    cue = at(text, "said")
    medium = at(text, "CNBC")
    date = at(text, "on Tuesday")
    split = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, cue[0], (f1, f2)),
        kind="direct",
        source=Source(text[slice(*src)], *src, resolved="Gina Raimondo"),
        cue=Cue("said", *cue, lemma="say", cls="assert"),
        content=Content(f"{text[slice(*f1)]} … {text[slice(*f2)]}", (f1, f2)),
        medium=Span("CNBC", *medium),
        hedged=False,
        date=DateRef("on Tuesday", "2024-05-14", *date),
    )
    denied = at(text, "denied")
    plant = at(text, "the Ohio plant would close")
    unsourced = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, denied[0], (plant,)),
        kind="indirect",
        source=None,
        cue=Cue("denied", *denied, lemma="deny", cls="deny"),
        content=Content(text[slice(*plant)], (plant,)),
    )
    analysts = at(text, "Analysts")
    said2 = at(text, "said", analysts[1])
    deal = at(text, "the deal may collapse")
    hedged = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, said2[0], (deal,)),
        kind="indirect",
        source=Source("Analysts", *analysts),
        cue=Cue("said", *said2, lemma="say", cls="assert"),
        content=Content(text[slice(*deal)], (deal,)),
        hedged=True,
    )
    return [split, unsourced, hedged]


def local_document() -> Document:
    return Document(doc_id=content_id(LOCAL), text=LOCAL, title=None, outlet="Dayton Daily")


def local_claims(doc: Document) -> list[Claim]:
    src = at(LOCAL, "Mayor Ana Ruiz")
    cue = at(LOCAL, "told")
    body = at(LOCAL, "the Fifth Street bridge is safe for traffic")
    return [
        Claim(
            doc_id=doc.doc_id,
            claim_id=claim_id(doc.doc_id, cue[0], (body,)),
            kind="indirect",
            source=Source("Mayor Ana Ruiz", *src, resolved="Ana Ruiz"),
            cue=Cue("told", *cue, lemma="tell", cls="assert"),
            content=Content(LOCAL[slice(*body)], (body,)),
        )
    ]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "claimgraph.db"


@pytest.fixture
def filled(db_path: Path) -> Path:
    with ClaimStore(db_path) as store:
        wire, local = wire_document(), local_document()
        assert store.add(wire, wire_claims(wire))
        assert store.add(local, local_claims(local))
    return db_path


def test_hand_built_claims_have_offsets_into_the_text() -> None:
    # Guards the fixtures themselves: every span must cut its own text out of the document.
    doc = wire_document()
    for claim in wire_claims(doc):
        for span in (claim.source, claim.cue, claim.medium, claim.date):
            if span is not None:
                assert doc.text[span.start : span.end] == span.text
    assert doc.dateline is not None
    assert doc.text[doc.dateline.start : doc.dateline.end] == doc.dateline.text


def test_round_trip_gives_back_the_same_records(filled: Path) -> None:
    wire, local = wire_document(), local_document()
    with ClaimStore(filled) as store:
        assert list(store.documents()) == [wire, local]
        assert list(store.claims(wire.doc_id)) == wire_claims(wire)
        assert list(store.claims(local.doc_id)) == local_claims(local)
        assert list(store.claims()) == wire_claims(wire) + local_claims(local)
        assert store.document(wire.doc_id) == wire
        assert store.document("no-such-doc") is None


def test_split_quote_keeps_both_fragments_in_order(filled: Path) -> None:
    wire = wire_document()
    with ClaimStore(filled) as store:
        split = next(store.claims(wire.doc_id))
        assert split.content.fragments == (
            at(WIRE, "The tariffs will stay,"),
            at(WIRE, "until the talks succeed."),
        )
        rows = store.connection.execute(
            'SELECT role, fragment, start, "end", text FROM spans WHERE claim_id = ? '
            "ORDER BY role, fragment",
            (split.claim_id,),
        ).fetchall()
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("content", 0, "The tariffs will stay,"),
        ("content", 1, "until the talks succeed."),
        ("cue", 0, "said"),
        ("date", 0, "on Tuesday"),
        ("medium", 0, "CNBC"),
        ("source", 0, "Commerce Secretary Gina Raimondo"),
    ]
    assert all(WIRE[start:end] == text for _, _, start, end, text in rows)


def test_missing_source_medium_and_date_come_back_as_none(filled: Path) -> None:
    with ClaimStore(filled) as store:
        unsourced = list(store.claims(wire_document().doc_id))[1]
    assert unsourced.source is None
    assert unsourced.medium is None
    assert unsourced.date is None
    assert unsourced.hedged is False


def test_adding_the_same_document_twice_adds_nothing(filled: Path) -> None:
    wire = wire_document()
    with ClaimStore(filled) as store:
        before = store.counts()
        assert before == {"documents": 2, "claims": 4}
        assert store.add(wire, wire_claims(wire)) is False
        assert store.counts() == before
    # A second store on the same file (a re-run of the same inputs) adds nothing either.
    with ClaimStore(filled) as again:
        assert again.add(wire, wire_claims(wire)) is False
        assert again.add(local_document(), []) is False
        assert again.counts() == before
        (spans,) = again.connection.execute("SELECT count(*) FROM spans").fetchone()
    assert spans == 14  # 6 + 2 + 3 for the wire story, 3 for the local one


def test_has(filled: Path) -> None:
    with ClaimStore(filled) as store:
        assert store.has(wire_document().doc_id)
        assert not store.has(content_id("An article never stored."))


def test_two_open_stores_see_each_others_writes(db_path: Path) -> None:
    with ClaimStore(db_path) as first, ClaimStore(db_path) as second:
        wire = wire_document()
        assert first.add(wire, wire_claims(wire))
        assert second.has(wire.doc_id)
        assert second.add(wire, wire_claims(wire)) is False
        assert second.counts() == {"documents": 1, "claims": 3}


def test_claim_of_another_document_is_refused_and_nothing_written(db_path: Path) -> None:
    wire, local = wire_document(), local_document()
    with ClaimStore(db_path) as store:
        with pytest.raises(ValueError, match=f"document {wire.doc_id}: claim .* belongs to"):
            store.add(wire, wire_claims(wire) + local_claims(local))
        assert store.counts() == {"documents": 0, "claims": 0}
        # The store stays usable after the refusal.
        assert store.add(wire, wire_claims(wire))


def test_exact_duplicate_claims_are_stored_once(db_path: Path) -> None:
    wire = wire_document()
    claims = wire_claims(wire)
    with ClaimStore(db_path) as store:
        assert store.add(wire, [*claims, claims[0]])
        assert list(store.claims()) == claims


def test_different_claims_with_one_id_are_refused(db_path: Path) -> None:
    wire = wire_document()
    first, second, _ = wire_claims(wire)
    clash = dataclasses.replace(second, claim_id=first.claim_id)
    with ClaimStore(db_path) as store:
        with pytest.raises(ValueError, match="two different claims share id"):
            store.add(wire, [first, clash])
        assert not store.has(wire.doc_id)


def test_wal_mode_and_foreign_keys_are_on(filled: Path) -> None:
    with ClaimStore(filled) as store:
        (mode,) = store.connection.execute("PRAGMA journal_mode").fetchone()
        (fk,) = store.connection.execute("PRAGMA foreign_keys").fetchone()
    assert mode == "wal"
    assert fk == 1
    # WAL is a property of the file: a plain connection sees it too.
    conn = sqlite3.connect(filled)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    outgoing = conn.execute("PRAGMA foreign_key_list(claims)").fetchall()
    conn.close()
    assert [(r[2], r[3], r[4]) for r in outgoing] == [("documents", "doc_id", "doc_id")]


def test_schema_version_is_recorded_once(db_path: Path) -> None:
    with ClaimStore(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION == 1
    with ClaimStore(db_path) as store:
        rows = store.connection.execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(1,)]


def test_file_from_a_newer_claimgraph_is_refused(db_path: Path) -> None:
    ClaimStore(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 99 is newer"):
        ClaimStore(db_path)


def test_a_file_that_is_not_sqlite_is_refused_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError, match=r"notes\.db: cannot open as a claimgraph database"):
        ClaimStore(bogus)


def test_search_finds_a_claim_by_a_word_of_its_content(filled: Path) -> None:
    with ClaimStore(filled) as store:
        found = store.search("tariffs")
        assert [c.source.resolved for c in found if c.source] == ["Gina Raimondo"]
        # Porter stemming: the singular finds the plural.
        assert [c.claim_id for c in store.search("tariff")] == [found[0].claim_id]
        assert [c.cue.lemma for c in store.search("bridge")] == ["tell"]
        assert store.search("Raimondo") == []  # the source is not the content
        assert store.search("") == []


def test_search_survives_queries_that_are_not_fts_syntax(filled: Path) -> None:
    with ClaimStore(filled) as store:
        assert [c.cue.lemma for c in store.search('"Ohio plant')] == ["deny"]
        assert [c.cue.lemma for c in store.search("deal -")] == ["say"]
        assert len(store.search('"the deal" OR bridge')) == 2


def test_search_documents_finds_a_document_by_its_text(filled: Path) -> None:
    with ClaimStore(filled) as store:
        assert [d.outlet for d in store.search_documents("interview")] == ["Reuters"]
        assert [d.outlet for d in store.search_documents("traffic")] == ["Dayton Daily"]
        assert store.search_documents("volcano") == []


# Text a web page or a wire feed really carries: curly and straight quotes left open,
# emoji (outside the BMP), combining marks, right-to-left text, tabs, \r, form feeds and
# other control characters.
AWKWARD = (
    "“He said 'it’s over\" and left «\tunclosed 🇺🇸👩🏽‍💻 e\u0301 שלום\r\n"
    "\x0b\x0c\x1b[31m\x7f\u2028\u200b end"
)


def test_awkward_text_round_trips(db_path: Path) -> None:
    text = AWKWARD
    doc = Document(doc_id=content_id(text), text=text, title='Open "quote', meta={"k": text})
    start, end = at(text, "it’s over")
    claim = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, 0, ((start, end),)),
        kind="direct",
        source=None,
        cue=Cue("said", 3, 7, "say", "assert"),
        content=Content(text[start:end], ((start, end),)),
    )
    with ClaimStore(db_path) as store:
        assert store.add(doc, [claim])
    with ClaimStore(db_path) as store:
        assert list(store.documents()) == [doc]
        assert list(store.claims()) == [claim]
        assert [d.doc_id for d in store.search_documents("unclosed")] == [doc.doc_id]


def test_lone_surrogates_become_replacement_characters_without_moving_offsets(
    db_path: Path,
) -> None:
    raw = b"Caf\xe9 owner said prices rise.".decode("utf-8", "surrogateescape")
    doc = Document(doc_id=content_id(raw), text=raw)
    with ClaimStore(db_path) as store:
        assert store.add(doc, [])
        (stored,) = store.documents()
    assert stored.text == "Caf\ufffd owner said prices rise."
    assert len(stored.text) == len(raw)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    text=st.text(min_size=1, max_size=200),
    title=st.none() | st.text(max_size=40),
    meta=st.dictionaries(st.text(max_size=10), st.text(max_size=20) | st.integers(), max_size=4),
    data=st.data(),
)
def test_any_text_round_trips(
    text: str, title: str | None, meta: dict[str, object], data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    doc = Document(doc_id=content_id(text), text=text, title=title, meta=meta)
    claim = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, start, ((start, end),)),
        kind="direct",
        source=Source(text[start:end], start, end, text),
        cue=Cue(text[start:end], start, end, text[:5], "other"),
        content=Content(text[start:end], ((start, end),)),
        medium=Span(text[start:end], start, end),
        date=DateRef(text[start:end], text, start, end),
    )
    with ClaimStore(":memory:") as store:
        assert store.add(doc, [claim])
        assert list(store.documents()) == [doc]
        assert list(store.claims()) == [claim]


def datasette_get(path: Path, url: str) -> object:
    datasette_app = pytest.importorskip("datasette.app", reason="datasette is not installed")

    async def get() -> object:
        ds = datasette_app.Datasette([str(path)])
        response = await ds.client.get(url)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(get())


def test_datasette_lists_the_tables_and_links_claims_to_documents(filled: Path) -> None:
    name = filled.stem
    database = datasette_get(filled, f"/{name}.json")
    tables = {t["name"]: t for t in database["tables"]}
    assert {"documents", "claims", "spans"} <= {n for n, t in tables.items() if not t["hidden"]}
    outgoing = tables["claims"]["foreign_keys"]["outgoing"]
    assert {"other_table": "documents", "column": "doc_id", "other_column": "doc_id"} in outgoing

    rows = datasette_get(filled, f"/{name}/claims.json?_shape=array&_labels=on")
    wire = wire_document()
    by_id = {r["claim_id"]: r for r in rows}
    assert set(by_id) == {c.claim_id for c in wire_claims(wire) + local_claims(local_document())}
    # With the foreign key, Datasette expands doc_id into a link labelled by the title;
    # without it doc_id would be the bare id string.
    split = wire_claims(wire)[0]
    assert by_id[split.claim_id]["doc_id"] == {
        "value": wire.doc_id,
        "label": "U.S. keeps tariffs in place",
    }


def test_datasette_search_box_uses_the_fts_index(filled: Path) -> None:
    name = filled.stem
    rows = datasette_get(filled, f"/{name}/claims.json?_shape=array&_search=tariffs")
    assert [r["source_resolved"] for r in rows] == ["Gina Raimondo"]
    docs = datasette_get(filled, f"/{name}/documents.json?_shape=array&_search=bridge")
    assert [d["outlet"] for d in docs] == ["Dayton Daily"]
