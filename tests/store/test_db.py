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
    Entity,
    EntityRef,
    Place,
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
        content=Content(text[slice(*plant)], (plant,), negated=False),
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
        content=Content(text[slice(*deal)], (deal,), negated=False),
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


# Who, when and where: a wire story whose records use every field of the extended schema.
SYRIA = (
    "DAMASCUS (Sputnik) – A Pentagon spokesperson on Friday denied that US forces had let "
    "Daesh militants pass near Al-Tanf in late September.\n\n"
    "On Wednesday, the Russian Defense Ministry said that US forces had let 300 Daesh "
    "militants leave the city of Rukban, in Syria, on September 28.\n\n"
    "The ministry published aerial pictures of the convoy on Thursday."
)
PENTAGON = Entity(
    "pentagon", "Pentagon", "ORG", "Q11208", ("Pentagon", "U.S. Department of Defense")
)
DAESH = Entity("Q2429253", "Islamic State", "ORG", "Q2429253", ("Daesh", "ISIS", "ISIL"))
RUSSIAN_MOD = Entity(
    "russian-mod",
    "Russian Ministry of Defence",
    "ORG",
    None,
    ("Russian Defense Ministry", "the ministry"),
)
USA = Entity("Q30", "United States", "GPE", "Q30", ("US",))


def date(text: str, piece: str, value: str, granularity: str | None) -> DateRef:
    return DateRef(piece, value, *at(text, piece), granularity)


def syria_document() -> Document:
    t = SYRIA
    return Document(
        doc_id=content_id(t),
        text=t,
        title="Pentagon denies letting Daesh pass near Al-Tanf",
        outlet="Sputnik",
        published="2017-10-07",
        dateline=Dateline(
            "DAMASCUS (Sputnik) –",
            *at(t, "DAMASCUS (Sputnik) –"),
            "DAMASCUS",
            "Sputnik",
            geonameid=170654,
            name="Damascus",
            country_code="SY",
            lat=33.5102,
            lon=36.29128,
        ),
        dates=(
            date(t, "on Friday", "2017-10-06", "day"),
            date(t, "late September", "2017-09-21/2017-09-30", "range"),
            date(t, "On Wednesday", "2017-10-04", "day"),
            date(t, "September 28", "2017-09-28", "day"),
            date(t, "on Thursday", "2017-10-05", "day"),
        ),
        places=(
            Place("DAMASCUS", *at(t, "DAMASCUS"), 170654, "Damascus", "SY", 33.5102, 36.29128, "P"),
            # Not in the gazetteer: every GeoNames field stays None.
            Place("Al-Tanf", *at(t, "Al-Tanf")),
            Place("Rukban", *at(t, "Rukban"), 11428685, "Rukban", "JO", 33.31405, 38.70342, "P"),
            Place("Syria", *at(t, "Syria"), 163843, "Syria", "SY", 35.0, 38.0, "A"),
        ),
        entities=(PENTAGON, DAESH, RUSSIAN_MOD, USA),
    )


def syria_claims(doc: Document) -> list[Claim]:
    t = doc.text
    dates = {d.text: d for d in doc.dates}
    places = {p.text: p for p in doc.places}
    denied = at(t, "denied")
    denial = at(t, "US forces had let Daesh militants pass near Al-Tanf in late September")
    said = at(t, "said")
    accusation = at(
        t,
        "US forces had let 300 Daesh militants leave the city of Rukban, in Syria, on September 28",
    )
    published = at(t, "published")
    event = at(t, "aerial pictures of the convoy")
    return [
        Claim(
            doc_id=doc.doc_id,
            claim_id=claim_id(doc.doc_id, denied[0], (denial,)),
            kind="indirect",
            source=Source(
                "A Pentagon spokesperson", *at(t, "A Pentagon spokesperson"), affiliation="Pentagon"
            ),
            cue=Cue("denied", *denied, lemma="deny", cls="deny"),
            content=Content(t[slice(*denial)], (denial,)),
            date=dates["on Friday"],
            dates=(dates["late September"],),
            places=(places["Al-Tanf"],),
            targets=(EntityRef("russian-mod", "Russian Ministry of Defence"),),
        ),
        Claim(
            doc_id=doc.doc_id,
            claim_id=claim_id(doc.doc_id, said[0], (accusation,)),
            kind="indirect",
            source=Source(
                "the Russian Defense Ministry",
                *at(t, "the Russian Defense Ministry"),
                entity_id="russian-mod",
                entity_name="Russian Ministry of Defence",
            ),
            cue=Cue("said", *said, lemma="say", cls="accuse"),
            content=Content(t[slice(*accusation)], (accusation,)),
            date=dates["On Wednesday"],
            dates=(dates["September 28"],),
            places=(places["Rukban"], places["Syria"]),
            targets=(EntityRef("Q30", "United States"), EntityRef("Q2429253", "Islamic State")),
        ),
        Claim(
            doc_id=doc.doc_id,
            claim_id=claim_id(doc.doc_id, published[0], (event,)),
            kind="narrative",
            source=Source("Sputnik", *at(t, "Sputnik"), resolved="Sputnik"),
            cue=Cue("published", *published, lemma="publish", cls="publish"),
            content=Content(t[slice(*event)], (event,)),
            date=dates["on Thursday"],
        ),
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


def test_a_contents_negation_round_trips_known_or_not(db_path: Path) -> None:
    text = "Officials said the bridge is not safe, the dam is safe and the road is closed."
    doc = Document(doc_id=content_id(text), text=text)
    cue = at(text, "said")
    claims = [
        Claim(doc.doc_id, claim_id(doc.doc_id, cue[0], (body,)), "indirect", None,
              Cue("said", *cue, "say", "assert"), Content(text[slice(*body)], (body,), negated))
        for body, negated in (
            (at(text, "the bridge is not safe"), True),
            (at(text, "the dam is safe"), False),
            (at(text, "the road is closed"), None),
        )
    ]  # fmt: skip
    with ClaimStore(db_path) as store:
        assert store.add(doc, claims)
    with ClaimStore(db_path) as store:
        assert [c.content.negated for c in store.claims()] == [True, False, None]
        assert list(store.claims()) == claims


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
    assert sorted((r[2], r[3], r[4]) for r in outgoing) == [
        ("documents", "doc_id", "doc_id"),
        ("entities", "source_entity_id", "entity_id"),
    ]


def test_schema_version_is_recorded_once(db_path: Path) -> None:
    with ClaimStore(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
    with ClaimStore(db_path) as store:
        rows = store.connection.execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(1,), (2,), (3,), (4,)]


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


# -- who, when, where -------------------------------------------------------------------------


@pytest.fixture
def syria(db_path: Path) -> Path:
    with ClaimStore(db_path) as store:
        doc = syria_document()
        assert store.add(doc, syria_claims(doc))
    return db_path


def test_who_when_where_fixture_has_offsets_into_the_text() -> None:
    doc = syria_document()
    for mention in (*doc.dates, *doc.places):
        assert doc.text[mention.start : mention.end] == mention.text
    for claim in syria_claims(doc):
        for mention in (*claim.dates, *claim.places):
            assert any(s <= mention.start and mention.end <= e for s, e in claim.content.fragments)
        assert claim.date is not None
        assert doc.text[claim.date.start : claim.date.end] == claim.date.text


def test_every_field_of_dates_places_and_entities_round_trips(syria: Path) -> None:
    doc = syria_document()
    with ClaimStore(syria) as store:
        assert list(store.documents()) == [doc]
        assert store.document(doc.doc_id) == doc
        assert list(store.claims()) == syria_claims(doc)
        assert [c.kind for c in store.search("convoy")] == ["narrative"]
        # search() goes through the same reading path: targets and places come along.
        (accusation,) = store.search("Rukban")
    assert [t.name for t in accusation.targets] == ["United States", "Islamic State"]
    assert [p.geonameid for p in accusation.places] == [11428685, 163843]
    assert doc.dateline is not None and doc.dateline.lat == 33.5102


def test_a_mention_is_stored_once_and_linked_from_its_claims(syria: Path) -> None:
    with ClaimStore(syria) as store:
        conn = store.connection
        places = conn.execute(
            'SELECT position, text, start, "end", geonameid FROM places ORDER BY position'
        ).fetchall()
        linked = conn.execute(
            "SELECT c.claim_id, cp.position, p.text, p.position FROM claim_places cp "
            "JOIN places p USING (place_id) JOIN claims c USING (claim_id) "
            "ORDER BY c.rowid, cp.position"
        ).fetchall()
        (n_dates,) = conn.execute("SELECT count(*) FROM dates").fetchone()
        (n_claim_dates,) = conn.execute("SELECT count(*) FROM claim_dates").fetchone()
    assert [(p[0], p[1], p[4]) for p in places] == [
        (0, "DAMASCUS", 170654),
        (1, "Al-Tanf", None),
        (2, "Rukban", 11428685),
        (3, "Syria", 163843),
    ]
    assert all(SYRIA[start:end] == text for _, text, start, end, _ in places)
    denial, accusation, _ = syria_claims(syria_document())
    assert linked == [
        (denial.claim_id, 0, "Al-Tanf", 1),
        (accusation.claim_id, 0, "Rukban", 2),
        (accusation.claim_id, 1, "Syria", 3),
    ]
    assert (n_dates, n_claim_dates) == (5, 2)


def test_a_claim_mention_the_document_does_not_list_is_kept(db_path: Path) -> None:
    denial = syria_claims(syria_document())[0]
    doc = dataclasses.replace(syria_document(), places=(), dates=())
    with ClaimStore(db_path) as store:
        assert store.add(doc, [denial])
        (stored,) = store.documents()
        assert list(store.claims()) == [denial]
        rows = store.connection.execute("SELECT text, position FROM places").fetchall()
    assert stored.places == () and stored.dates == ()
    assert rows == [("Al-Tanf", None)]


def test_adding_the_who_when_where_document_twice_adds_nothing(syria: Path) -> None:
    tables = (
        "entities",
        "aliases",
        "document_entities",
        "dates",
        "places",
        "claim_dates",
        "claim_places",
        "claim_targets",
    )

    def sizes(store: ClaimStore) -> list[int]:
        conn = store.connection
        return [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]

    doc = syria_document()
    with ClaimStore(syria) as store:
        before = sizes(store)
        assert store.add(doc, syria_claims(doc)) is False
        assert sizes(store) == before
    assert before == [4, 8, 4, 5, 4, 2, 3, 3]


def test_entities_are_shared_and_each_document_keeps_its_own_view(syria: Path) -> None:
    text = "The Pentagon said on Monday that the strike hit a depot, Sputnik reported."
    pentagon_here = Entity("pentagon", "The Pentagon", None, None, ("the Pentagon",))
    doc = Document(content_id(text), text, entities=(pentagon_here,))
    with ClaimStore(syria) as store:
        assert store.add(doc, [])
        assert store.document(doc.doc_id) == doc
        assert store.document(syria_document().doc_id) == syria_document()
        registry = {e.entity_id: e for e in store.entities()}
    # The first document named it; the later one adds its alias and nothing else.
    assert registry["pentagon"] == Entity(
        "pentagon",
        "Pentagon",
        "ORG",
        "Q11208",
        ("Pentagon", "U.S. Department of Defense", "the Pentagon"),
    )
    assert list(registry) == ["pentagon", "Q2429253", "russian-mod", "Q30"]


def test_a_later_document_fills_a_missing_kind_and_qid(db_path: Path) -> None:
    first = Document(
        content_id("Trump spoke."),
        "Trump spoke.",
        entities=(Entity("trump", "Donald Trump", None, None, ("Trump",)),),
    )
    second = Document(
        content_id("Mr. Trump spoke."),
        "Mr. Trump spoke.",
        entities=(Entity("trump", "Trump", "PERSON", "Q22686", ("Mr. Trump",)),),
    )
    with ClaimStore(db_path) as store:
        store.add(first, [])
        store.add(second, [])
        (trump,) = store.entities()
    assert trump == Entity("trump", "Donald Trump", "PERSON", "Q22686", ("Trump", "Mr. Trump"))


def test_sources_and_targets_missing_from_the_document_entities_are_registered(
    db_path: Path,
) -> None:
    doc = dataclasses.replace(syria_document(), entities=())
    claims = syria_claims(doc)
    with ClaimStore(db_path) as store:
        assert store.add(doc, claims)
        registry = [(e.entity_id, e.name, e.kind, e.aliases) for e in store.entities()]
        assert list(store.claims()) == claims
    assert registry == [
        ("russian-mod", "Russian Ministry of Defence", None, ()),
        ("Q30", "United States", None, ()),
        ("Q2429253", "Islamic State", None, ()),
    ]


def test_claims_by_and_about_an_entity(syria: Path) -> None:
    denial, accusation, _ = syria_claims(syria_document())
    with ClaimStore(syria) as store:
        assert list(store.claims_by("russian-mod")) == [accusation]
        # Affiliations compare without case; the denial's spokesperson speaks for the Pentagon.
        assert list(store.claims_by("pentagon", affiliations=["PENTAGON"])) == [denial]
        assert list(store.claims_by("pentagon")) == []
        assert list(store.claims_about("Q30")) == [accusation]
        assert list(store.claims_about("russian-mod")) == [denial]
        assert list(store.claims_about("pentagon")) == []
        assert list(store.claim_sources()) == [
            (denial.claim_id, None, "Pentagon"),
            (accusation.claim_id, "russian-mod", None),
        ]
        assert store.target_counts() == {"russian-mod": 1, "Q30": 1, "Q2429253": 1}
        doc_id = syria_document().doc_id
        assert store.published_dates([doc_id, "nope"]) == {doc_id: "2017-10-07"}


def test_affiliations_compare_beyond_ascii(db_path: Path) -> None:
    text = "Ein Sprecher des Außenministeriums sagte, die Lage sei ernst."
    said, body = at(text, "sagte"), at(text, "die Lage sei ernst")
    doc = Document(content_id(text), text)
    claim = Claim(
        doc.doc_id,
        claim_id(doc.doc_id, said[0], (body,)),
        "indirect",
        Source(
            "Ein Sprecher des Außenministeriums",
            *at(text, "Ein Sprecher des Außenministeriums"),
            affiliation="Außenministerium",
        ),
        Cue("sagte", *said, "sagen", "assert"),
        Content(text[slice(*body)], (body,)),
    )
    with ClaimStore(db_path) as store:
        store.add(doc, [claim])
        assert list(store.claims_by("aa", affiliations=["AUSSENMINISTERIUM"])) == [claim]


finite = st.floats(allow_nan=False, allow_infinity=False)
optional_text = st.none() | st.text(max_size=12)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.text(min_size=1, max_size=120), data=st.data())
def test_any_dates_places_and_entities_round_trip(text: str, data: st.DataObject) -> None:
    def piece() -> tuple[str, int, int]:
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        return text[start:end], start, end

    def place() -> Place:
        return Place(
            *piece(),
            data.draw(st.none() | st.integers(0, 2**62)),
            data.draw(optional_text),
            data.draw(optional_text),
            data.draw(st.none() | finite),
            data.draw(st.none() | finite),
            data.draw(optional_text),
        )

    def date_ref() -> DateRef:
        t, s, e = piece()
        return DateRef(t, data.draw(st.text(max_size=20)), s, e, data.draw(optional_text))

    entity_ids = st.text(min_size=1, max_size=8)
    entities = tuple(
        Entity(
            data.draw(entity_ids),
            data.draw(st.text(max_size=12)),
            data.draw(optional_text),
            data.draw(optional_text),
            tuple(data.draw(st.lists(st.text(max_size=8), max_size=3))),
        )
        for _ in range(data.draw(st.integers(0, 3)))
    )
    doc = Document(
        doc_id=content_id(text),
        text=text,
        dateline=Dateline(
            *piece(),
            None,
            None,
            data.draw(st.none() | st.integers(0, 2**31)),
            data.draw(optional_text),
            None,
            data.draw(st.none() | finite),
            data.draw(st.none() | finite),
        ),
        dates=tuple(date_ref() for _ in range(data.draw(st.integers(0, 3)))),
        places=tuple(place() for _ in range(data.draw(st.integers(0, 3)))),
        entities=entities,
    )
    targets = tuple(
        EntityRef(data.draw(entity_ids), data.draw(st.text(max_size=10)))
        for _ in range(data.draw(st.integers(0, 3)))
    )
    t, s, e = piece()
    claim = Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, s, ((s, e),)),
        kind=data.draw(st.sampled_from(["direct", "indirect", "mixed", "narrative"])),
        source=Source(
            t,
            s,
            e,
            data.draw(optional_text),
            data.draw(st.none() | entity_ids),
            data.draw(optional_text),
            data.draw(optional_text),
        ),
        cue=Cue(t, s, e, "say", "assert"),
        content=Content(t, ((s, e),)),
        date=DateRef(t, "2017-10-06", s, e, data.draw(optional_text)),
        # The document's own mentions (linked) mixed with new ones (stored on their own).
        dates=tuple(data.draw(st.lists(st.sampled_from([*doc.dates, date_ref()]), max_size=3))),
        places=tuple(data.draw(st.lists(st.sampled_from([*doc.places, place()]), max_size=3))),
        targets=targets,
    )
    with ClaimStore(":memory:") as store:
        assert store.add(doc, [claim])
        assert list(store.documents()) == [doc]
        assert list(store.claims()) == [claim]


def test_datasette_lists_the_new_tables_and_links_claims_to_entities(syria: Path) -> None:
    name = syria.stem
    database = datasette_get(syria, f"/{name}.json")
    tables = {t["name"]: t for t in database["tables"]}
    new = {
        "entities",
        "aliases",
        "document_entities",
        "dates",
        "places",
        "claim_dates",
        "claim_places",
        "claim_targets",
    }
    assert new <= {n for n, t in tables.items() if not t["hidden"]}
    outgoing = tables["claims"]["foreign_keys"]["outgoing"]
    assert {
        "other_table": "entities",
        "column": "source_entity_id",
        "other_column": "entity_id",
    } in outgoing
    incoming = {
        (f["other_table"], f["other_column"])
        for f in tables["entities"]["foreign_keys"]["incoming"]
    }
    assert {
        ("claims", "source_entity_id"),
        ("claim_targets", "entity_id"),
        ("aliases", "entity_id"),
    } <= incoming

    denial, accusation, _ = syria_claims(syria_document())
    rows = datasette_get(syria, f"/{name}/claims.json?_shape=array&_labels=on")
    by_id = {r["claim_id"]: r for r in rows}
    # The entity's name labels the link, as the title labels the document link.
    assert by_id[accusation.claim_id]["source_entity_id"] == {
        "value": "russian-mod",
        "label": "Russian Ministry of Defence",
    }
    assert by_id[denial.claim_id]["source_entity_id"] is None
    assert by_id[denial.claim_id]["source_affiliation"] == "Pentagon"
    places = datasette_get(syria, f"/{name}/places.json?_shape=array&_labels=on&geonameid=11428685")
    assert [(p["text"], p["doc_id"]["label"]) for p in places] == [
        ("Rukban", "Pentagon denies letting Daesh pass near Al-Tanf")
    ]
    targets = datasette_get(
        syria, f"/{name}/claim_targets.json?_shape=array&_labels=on&entity_id=Q30"
    )
    assert [t["claim_id"]["value"] for t in targets] == [accusation.claim_id]
