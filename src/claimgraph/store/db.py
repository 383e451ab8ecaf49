"""The claim database: documents and their claims in one SQLite file.

>>> from claimgraph.records import Claim, Content, Cue, Document, Source
>>> doc = Document("d1", 'Mayor Ruiz said "the bridge is safe".')
>>> claim = Claim("d1", "c1", "direct", Source("Mayor Ruiz", 0, 10, "Ana Ruiz"),
...               Cue("said", 11, 15, "say", "assert"), Content("the bridge is safe", ((17, 35),)))
>>> with ClaimStore(":memory:") as store:
...     store.add(doc, [claim]), store.add(doc, [claim])
...     [c.source.resolved for c in store.search("bridge")]
(True, False)
['Ana Ruiz']

Layout (see ``claimgraph.store.schema``): ``documents`` (one row per article, keyed by the
content-hash ``doc_id``), ``claims`` (one row per attribution, ``doc_id`` a foreign key to
``documents`` so Datasette links each claim to its article) and ``spans`` (one row per
character span of a claim: the source, cue, medium and date spans, and each fragment of the
content, so offsets can be queried in SQL). ``claims_fts`` and ``documents_fts`` are the
full-text indexes. Who, when and where: ``entities`` with their ``aliases`` and
``document_entities``, ``dates`` and ``places`` (every mention in a document), and the links
``claim_dates``, ``claim_places`` and ``claim_targets``. Every field of ``Document`` and
``Claim`` is stored, so ``documents()`` and ``claims()`` give back what ``add`` was given.

Why external-content FTS5: the article texts are most of the file; a plain FTS5 table would
store each text a second time, while ``content="documents"`` keeps only the index and reads
the text from the table itself. Triggers keep both indexes in step with their tables on
insert, update and delete, whoever writes (this class, the ``sqlite3`` shell, a notebook).
Datasette recognises the ``content="claims"`` form and shows a search box on those tables.
The Porter stemmer is on so that "tariffs" finds "tariff" and "denied" finds "deny".

Writes are idempotent by ``doc_id``: a document already stored is skipped with nothing
written, so re-running an extraction over the same inputs adds nothing. Entities are shared
by all documents: the first document that names an entity sets its name and kind, and a
later one only fills a kind or QID still missing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

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
)
from claimgraph.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "ClaimStore", "StoreError"]

_DOCUMENT_COLUMNS = (
    "doc_id", "text", "title", "outlet", "published", "url", "origin", "text_offset",
    "dateline_text", "dateline_start", "dateline_end", "dateline_place", "dateline_outlet",
    "dateline_geonameid", "dateline_name", "dateline_country_code", "dateline_lat",
    "dateline_lon", "meta", "added_at",
)  # fmt: skip
_CLAIM_COLUMNS = (
    "claim_id", "doc_id", "kind", "source_text", "source_start", "source_end",
    "source_resolved", "source_entity_id", "source_entity_name", "source_affiliation",
    "cue_text", "cue_start", "cue_end", "cue_lemma", "cue_class",
    "content_text", "medium_text", "medium_start", "medium_end", "hedged", "date_text",
    "date_value", "date_start", "date_end", "date_granularity", "content_negated",
)  # fmt: skip
_SPAN_COLUMNS = ("claim_id", "doc_id", "role", "fragment", "start", "end", "text")
_DATE_COLUMNS = (
    "date_id",
    "doc_id",
    "position",
    "text",
    "start",
    "end",
    "value",
    "granularity",
    "date_range",
)
_PLACE_COLUMNS = (
    "place_id", "doc_id", "position", "text", "start", "end", "geonameid", "name", "country_code",
    "lat", "lon", "feature_class",
)  # fmt: skip
_CLUSTER_COLUMNS = (
    "cluster_id", "size", "documents", "representative_claim_id", "representative_text",
    "first_seen", "first_claim_id", "first_source", "first_outlet",
)  # fmt: skip
_MEMBER_COLUMNS = (
    "cluster_id", "position", "claim_id", "source", "outlet", "date", "stance", "score",
)  # fmt: skip
# The fields of DateRef / Place in constructor order, as they are selected from their tables.
_DATE_FIELDS = 'd.text, d.value, d.start, d."end", d.granularity, d.date_range'
_PLACE_FIELDS = (
    'p.text, p.start, p."end", p.geonameid, p.name, p.country_code, p.lat, p.lon, p.feature_class'
)

_CLAIM_SELECT = f"""
    SELECT {", ".join("c." + c for c in _CLAIM_COLUMNS)},
        (SELECT json_group_array(json_array(s.fragment, s.start, s."end")) FROM spans s
         WHERE s.claim_id = c.claim_id AND s.role = 'content') AS fragments
    FROM claims c"""

_UPSERT_ENTITY = (
    "INSERT INTO entities (entity_id, name, kind, qid) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(entity_id) DO UPDATE SET kind = coalesce(entities.kind, excluded.kind), "
    "qid = coalesce(entities.qid, excluded.qid)"
)

# Rows are read in batches and their dates, places and entities fetched with one query per
# batch: well under SQLite's limit on bound parameters, and no query per record.
_BATCH = 500

_SURROGATE = re.compile("[\ud800-\udfff]")


class StoreError(Exception):
    """The database file cannot be used (not SQLite, or written by a newer claimgraph)."""


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _text(value: str | None) -> str | None:
    """SQLite stores UTF-8, which has no lone surrogates (text decoded with
    ``surrogateescape`` has them): they become U+FFFD, one code point for one, so every
    offset into the text stays valid."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def _json(value: dict[str, Any]) -> str:
    # default=str: a value JSON cannot hold is kept as its text rather than losing the
    # document; ensure_ascii only when needed, since it is what lets lone surrogates through.
    try:
        dumped = json.dumps(value, ensure_ascii=False, default=str)
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        dumped = json.dumps(value, ensure_ascii=True, default=str)
    return dumped


def _fts_fallback(query: str) -> str:
    """Each word of ``query`` as a quoted FTS5 phrase, for input that is not valid syntax."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def _date_values(d: DateRef) -> tuple[Any, ...]:
    return (_text(d.text), d.start, d.end, _text(d.value), _text(d.granularity),
            _text(d.range))  # fmt: skip


def _place_values(p: Place) -> tuple[Any, ...]:
    return (_text(p.text), p.start, p.end, p.geonameid, _text(p.name), _text(p.country_code),
            p.lat, p.lon, _text(p.feature_class))  # fmt: skip


# Insert statement, row values and id column of a date or place mention, by table.
_MENTION_INSERTS: dict[str, tuple[str, Callable[[Any], tuple[Any, ...]], str]] = {
    "dates": (_insert_sql("dates", _DATE_COLUMNS), _date_values, "date_id"),
    "places": (_insert_sql("places", _PLACE_COLUMNS), _place_values, "place_id"),
}


class ClaimStore:
    """Documents and claims in a SQLite file (WAL mode, FTS5 search, schema migrations).

    ``path`` is the database file, created with its parent folders if missing;
    ``":memory:"`` gives a throwaway database. Use as a context manager or call ``close``.
    A file written by an older claimgraph is migrated to the current schema when opened.
    """

    def __init__(self, path: str | Path = "claimgraph.db") -> None:
        self.path = path if str(path) == ":memory:" else Path(path)
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are opened explicitly, so one document is one
        # transaction and nothing is committed behind our back.
        self._conn = sqlite3.connect(str(self.path), isolation_level=None)
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            # Safe with WAL (a crash can lose the last commits, never corrupt the file) and
            # it spares an fsync per document.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            # A second process writing at the same moment waits instead of failing.
            self._conn.execute("PRAGMA busy_timeout = 30000")
            self._migrate()
        except sqlite3.DatabaseError as e:
            self._conn.close()
            raise StoreError(f"{path}: cannot open as a claimgraph database ({e})") from e
        except StoreError:
            self._conn.close()
            raise

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        conn = self._conn
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        # IMMEDIATE takes the write lock before reading the version, so two processes
        # opening a file at once cannot both run the same migration.
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = self._version()
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: schema version {current} is newer than this claimgraph "
                    f"understands ({SCHEMA_VERSION}); upgrade claimgraph"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, _now()),
                )
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    def _version(self) -> int:
        row = self._conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return row[0] or 0

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return self._version()

    # -- writing ----------------------------------------------------------------------------

    def add(self, document: Document, claims: list[Claim]) -> bool:
        """Store ``document`` and its ``claims`` in one transaction.

        Returns False, writing nothing, when ``document.doc_id`` is already stored. Raises
        ``ValueError`` naming the document when a claim belongs to another document or two
        different claims share an id; nothing of that document is written then.
        """
        claims = _unique_claims(document, claims)
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = conn.execute(
                _insert_sql("documents", _DOCUMENT_COLUMNS) + " ON CONFLICT(doc_id) DO NOTHING",
                _document_row(document),
            )
            if cursor.rowcount == 0:
                _rollback(conn)
                return False
            self._add_entities(document, claims)
            date_ids = self._add_mentions(document.doc_id, "dates", document.dates)
            place_ids = self._add_mentions(document.doc_id, "places", document.places)
            conn.executemany(_insert_sql("claims", _CLAIM_COLUMNS), [_claim_row(c) for c in claims])
            conn.executemany(
                _insert_sql("spans", _SPAN_COLUMNS),
                [row for c in claims for row in _span_rows(document.text, c)],
            )
            self._link_claims(document.doc_id, claims, date_ids, place_ids)
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as e:
            _rollback(conn)
            raise ValueError(f"document {document.doc_id}: claims not stored ({e})") from e
        except BaseException:
            _rollback(conn)
            raise
        return True

    def _add_entities(self, document: Document, claims: list[Claim]) -> None:
        conn = self._conn
        doc_id = document.doc_id
        # The registry row needs a name to label links with: the id stands in for a missing one.
        registry: list[tuple[Any, ...]] = [
            (_text(e.entity_id), _text(e.name or e.entity_id), _text(e.kind), _text(e.qid))
            for e in document.entities
        ]
        # Sources and targets may name an entity the document's list lacks; the foreign keys
        # need it in the registry all the same.
        for c in claims:
            s = c.source
            if s is not None and s.entity_id is not None:
                name = s.entity_name or s.resolved or s.text or s.entity_id
                registry.append((_text(s.entity_id), _text(name), None, None))
            registry.extend(
                (_text(t.entity_id), _text(t.name or t.entity_id), None, None) for t in c.targets
            )
        conn.executemany(_UPSERT_ENTITY, registry)
        conn.executemany(
            _insert_sql("document_entities",
                        ("doc_id", "position", "entity_id", "name", "kind", "qid")),
            [(doc_id, i, _text(e.entity_id), _text(e.name), _text(e.kind), _text(e.qid))
             for i, e in enumerate(document.entities)],
        )  # fmt: skip
        conn.executemany(
            _insert_sql("aliases", ("entity_id", "alias", "doc_id", "entity_position", "position")),
            [(_text(e.entity_id), _text(alias), doc_id, i, j)
             for i, e in enumerate(document.entities) for j, alias in enumerate(e.aliases)],
        )  # fmt: skip

    def _add_mentions(
        self,
        doc_id: str,
        table: str,
        mentions: Sequence[DateRef] | Sequence[Place],
    ) -> dict[Any, int]:
        """Insert a document's dates or places; return each mention's row id."""
        sql, values, key = _MENTION_INSERTS[table]
        # The ids are given rather than read back row by row, so that one executemany writes
        # them all; the transaction holds the write lock, so nobody else takes these ids.
        (last,) = self._conn.execute(f"SELECT coalesce(max({key}), 0) FROM {table}").fetchone()
        ids: dict[Any, int] = {}
        rows = []
        for i, mention in enumerate(mentions, start=1):
            rows.append((last + i, doc_id, i - 1, *values(mention)))
            ids.setdefault(mention, last + i)
        self._conn.executemany(sql, rows)
        return ids

    def _mention_id(self, doc_id: str, table: str, mention: Any, ids: dict[Any, int]) -> int:
        """The row of a claim's date or place: the document's own mention when it is one.

        One that the document does not list gets a row of its own, with ``position`` NULL
        so that it stays out of ``Document.dates`` / ``places``: nothing added is lost.
        """
        row_id = ids.get(mention)
        if row_id is None:
            sql, values, _ = _MENTION_INSERTS[table]
            row_id = self._conn.execute(sql, (None, doc_id, None, *values(mention))).lastrowid
            assert row_id is not None
            ids[mention] = row_id
        return row_id

    def _link_claims(
        self,
        doc_id: str,
        claims: list[Claim],
        date_ids: dict[Any, int],
        place_ids: dict[Any, int],
    ) -> None:
        conn = self._conn
        conn.executemany(
            _insert_sql("claim_dates", ("claim_id", "position", "date_id")),
            [(c.claim_id, i, self._mention_id(doc_id, "dates", d, date_ids))
             for c in claims for i, d in enumerate(c.dates)],
        )  # fmt: skip
        conn.executemany(
            _insert_sql("claim_places", ("claim_id", "position", "place_id")),
            [(c.claim_id, i, self._mention_id(doc_id, "places", p, place_ids))
             for c in claims for i, p in enumerate(c.places)],
        )  # fmt: skip
        conn.executemany(
            _insert_sql("claim_targets", ("claim_id", "position", "entity_id", "name")),
            [(c.claim_id, i, _text(t.entity_id), _text(t.name))
             for c in claims for i, t in enumerate(c.targets)],
        )  # fmt: skip

    # -- reading ----------------------------------------------------------------------------

    def has(self, doc_id: str) -> bool:
        """Whether a document with this id is stored."""
        row = self._conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,))
        return row.fetchone() is not None

    def documents(self) -> Iterator[Document]:
        """Every stored document, in the order they were added."""
        sql = f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM documents ORDER BY rowid"
        yield from self._documents(self._conn.execute(sql))

    def document(self, doc_id: str) -> Document | None:
        """The stored document with this id, or None."""
        sql = f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM documents WHERE doc_id = ?"
        return next(self._documents(self._conn.execute(sql, (doc_id,))), None)

    def claims(self, doc_id: str | None = None) -> Iterator[Claim]:
        """The claims of one document (or of all), in the order they were added."""
        if doc_id is None:
            rows = self._conn.execute(_CLAIM_SELECT + " ORDER BY c.rowid")
        else:
            rows = self._conn.execute(
                _CLAIM_SELECT + " WHERE c.doc_id = ? ORDER BY c.rowid", (doc_id,)
            )
        yield from self._claims(rows)

    def search(self, query: str, *, limit: int | None = None) -> list[Claim]:
        """Claims whose content matches ``query``, best match first.

        ``query`` may use FTS5 syntax (``"exact phrase"``, ``tariff OR tax``, ``tariff*``);
        text that is not valid syntax (an unbalanced quote, a stray ``-``) is searched as
        plain words instead of raising.
        """
        sql = (
            _CLAIM_SELECT + " JOIN claims_fts f ON f.rowid = c.rowid"
            " WHERE claims_fts MATCH ? ORDER BY f.rank LIMIT ?"
        )
        return list(self._claims(iter(self._match(sql, query, limit))))

    def search_documents(self, query: str, *, limit: int | None = None) -> list[Document]:
        """Documents whose title or text matches ``query`` (same syntax as ``search``)."""
        columns = ", ".join("d." + c for c in _DOCUMENT_COLUMNS)
        sql = (
            f"SELECT {columns} FROM documents d JOIN documents_fts f ON f.rowid = d.rowid"
            " WHERE documents_fts MATCH ? ORDER BY f.rank LIMIT ?"
        )
        return list(self._documents(iter(self._match(sql, query, limit))))

    def _match(self, sql: str, query: str, limit: int | None) -> list[tuple[Any, ...]]:
        if not query.strip():
            return []
        limit_value = -1 if limit is None else limit
        try:
            return self._conn.execute(sql, (query, limit_value)).fetchall()
        except sqlite3.OperationalError:
            return self._conn.execute(sql, (_fts_fallback(query), limit_value)).fetchall()

    def counts(self) -> dict[str, int]:
        """How many documents and claims are stored."""
        (documents,) = self._conn.execute("SELECT count(*) FROM documents").fetchone()
        (claims,) = self._conn.execute("SELECT count(*) FROM claims").fetchone()
        return {"documents": documents, "claims": claims}

    # -- entities ---------------------------------------------------------------------------

    def entities(self) -> list[Entity]:
        """Every entity of the database, in the order first stored, with all the aliases
        any document used for it (each once, in the order first seen)."""
        aliases: dict[str, dict[str, None]] = defaultdict(dict)
        for entity_id, alias in self._conn.execute(
            "SELECT entity_id, alias FROM aliases ORDER BY rowid"
        ):
            aliases[entity_id][alias] = None
        return [
            Entity(entity_id, name, kind, qid, tuple(aliases.get(entity_id, ())))
            for entity_id, name, kind, qid in self._conn.execute(
                "SELECT entity_id, name, kind, qid FROM entities ORDER BY rowid"
            )
        ]

    def claims_by(self, entity_id: str, *, affiliations: Iterable[str] = ()) -> Iterator[Claim]:
        """Claims whose source is the entity ``entity_id`` or speaks for it: its
        affiliation is one of ``affiliations`` (compared without regard to case)."""
        names = {a.casefold() for a in affiliations}
        # Compared here, not in SQL, because SQLite's lower() and NOCASE fold only ASCII.
        affiliated = [
            claim_id
            for claim_id, affiliation in self._conn.execute(
                "SELECT claim_id, source_affiliation FROM claims "
                "WHERE source_affiliation IS NOT NULL"
            )
            if names and affiliation.casefold() in names
        ]
        return self._claims_where(
            "c.source_entity_id = ? OR c.claim_id IN (SELECT value FROM json_each(?))",
            (entity_id, json.dumps(affiliated)),
        )

    def claims_about(self, entity_id: str) -> Iterator[Claim]:
        """Claims that have the entity ``entity_id`` among their targets."""
        return self._claims_where(
            "c.claim_id IN (SELECT claim_id FROM claim_targets WHERE entity_id = ?)",
            (entity_id,),
        )

    def claim_sources(self) -> Iterator[tuple[str, str | None, str | None]]:
        """``(claim_id, source_entity_id, source_affiliation)`` of every claim that has
        either, for counting what each entity said without loading the claims."""
        yield from self._conn.execute(
            "SELECT claim_id, source_entity_id, source_affiliation FROM claims "
            "WHERE source_entity_id IS NOT NULL OR source_affiliation IS NOT NULL "
            "ORDER BY rowid"
        )

    def target_counts(self) -> dict[str, int]:
        """How many claims have each entity among their targets."""
        return dict(
            self._conn.execute(
                "SELECT entity_id, count(DISTINCT claim_id) FROM claim_targets GROUP BY entity_id"
            ).fetchall()
        )

    def published_dates(self, doc_ids: Iterable[str]) -> dict[str, str | None]:
        """The published date of each of these documents (without reading their texts)."""
        wanted = list(dict.fromkeys(doc_ids))
        found: dict[str, str | None] = {}
        for i in range(0, len(wanted), _BATCH):
            batch = wanted[i : i + _BATCH]
            sql = f"SELECT doc_id, published FROM documents WHERE doc_id IN ({_marks(len(batch))})"
            found.update(self._conn.execute(sql, batch).fetchall())
        return found

    def _claims_where(self, condition: str, params: Sequence[Any]) -> Iterator[Claim]:
        rows = self._conn.execute(_CLAIM_SELECT + f" WHERE {condition} ORDER BY c.rowid", params)
        return self._claims(rows)

    # -- rows -> records --------------------------------------------------------------------

    def _documents(self, rows: Iterator[Sequence[Any]]) -> Iterator[Document]:
        for batch in _batches(rows):
            doc_ids = [row[0] for row in batch]
            dates = self._mentions(
                f"SELECT d.doc_id, d.position, {_DATE_FIELDS} FROM dates d", "d", doc_ids, DateRef
            )
            places = self._mentions(
                f"SELECT p.doc_id, p.position, {_PLACE_FIELDS} FROM places p", "p", doc_ids, Place
            )
            entities = self._document_entities(doc_ids)
            for row in batch:
                doc_id = row[0]
                yield _document_from_row(
                    row, dates.get(doc_id, ()), places.get(doc_id, ()), entities.get(doc_id, ())
                )

    def _mentions(
        self, select: str, alias: str, doc_ids: list[str], make: Callable[..., Any]
    ) -> dict[str, tuple[Any, ...]]:
        sql = (
            f"{select} WHERE {alias}.doc_id IN ({_marks(len(doc_ids))}) "
            f"AND {alias}.position IS NOT NULL ORDER BY {alias}.doc_id, {alias}.position"
        )
        found: dict[str, list[Any]] = defaultdict(list)
        for doc_id, _, *fields in self._conn.execute(sql, doc_ids):
            found[doc_id].append(make(*fields))
        return {k: tuple(v) for k, v in found.items()}

    def _document_entities(self, doc_ids: list[str]) -> dict[str, tuple[Entity, ...]]:
        marks = _marks(len(doc_ids))
        aliases: dict[tuple[str, int], list[str]] = defaultdict(list)
        for doc_id, entity_position, alias in self._conn.execute(
            f"SELECT doc_id, entity_position, alias FROM aliases WHERE doc_id IN ({marks}) "
            "ORDER BY doc_id, entity_position, position",
            doc_ids,
        ):
            aliases[doc_id, entity_position].append(alias)
        found: dict[str, list[Entity]] = defaultdict(list)
        for doc_id, position, entity_id, name, kind, qid in self._conn.execute(
            f"SELECT doc_id, position, entity_id, name, kind, qid FROM document_entities "
            f"WHERE doc_id IN ({marks}) ORDER BY doc_id, position",
            doc_ids,
        ):
            found[doc_id].append(
                Entity(entity_id, name, kind, qid, tuple(aliases.get((doc_id, position), ())))
            )
        return {k: tuple(v) for k, v in found.items()}

    def _claims(self, rows: Iterator[Sequence[Any]]) -> Iterator[Claim]:
        for batch in _batches(rows):
            claim_ids = [row[0] for row in batch]
            marks = _marks(len(claim_ids))
            dates = self._claim_links(
                f"SELECT cd.claim_id, cd.position, {_DATE_FIELDS} FROM claim_dates cd "
                f"JOIN dates d ON d.date_id = cd.date_id WHERE cd.claim_id IN ({marks})",
                claim_ids,
                DateRef,
            )
            places = self._claim_links(
                f"SELECT cp.claim_id, cp.position, {_PLACE_FIELDS} FROM claim_places cp "
                f"JOIN places p ON p.place_id = cp.place_id WHERE cp.claim_id IN ({marks})",
                claim_ids,
                Place,
            )
            targets = self._claim_links(
                "SELECT claim_id, position, entity_id, name FROM claim_targets "
                f"WHERE claim_id IN ({marks})",
                claim_ids,
                EntityRef,
            )
            for row in batch:
                claim_id = row[0]
                yield _claim_from_row(
                    row,
                    dates.get(claim_id, ()),
                    places.get(claim_id, ()),
                    targets.get(claim_id, ()),
                )

    def _claim_links(
        self, sql: str, claim_ids: list[str], make: Callable[..., Any]
    ) -> dict[str, tuple[Any, ...]]:
        found: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        for claim_id, position, *fields in self._conn.execute(sql, claim_ids):
            found[claim_id].append((position, make(*fields)))
        # Sorted here: the rows come in index order of the IN list, not by position.
        return {k: tuple(item for _, item in sorted(v, key=_first)) for k, v in found.items()}

    # -- links across sources (claimgraph.link) ---------------------------------------------

    def claims_to_embed(self, model: str) -> list[tuple[str, str]]:
        """``(claim_id, content_text)`` of every claim without a vector from ``model``
        (never embedded, or embedded by another model), in the order stored."""
        return self._conn.execute(
            "SELECT c.claim_id, c.content_text FROM claims c "
            "LEFT JOIN claim_embeddings e ON e.claim_id = c.claim_id AND e.model = ? "
            "WHERE e.claim_id IS NULL ORDER BY c.rowid",
            (model,),
        ).fetchall()

    def add_embeddings(self, model: str, dim: int, rows: Iterable[tuple[str, bytes]]) -> int:
        """Store ``(claim_id, vector)`` rows made by ``model`` (``dim`` float32 each),
        replacing a vector from another model; the claims count as not yet linked."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = conn.executemany(
                "INSERT INTO claim_embeddings (claim_id, model, dim, vector, linked_at) "
                "VALUES (?, ?, ?, ?, NULL) ON CONFLICT(claim_id) DO UPDATE SET "
                "model = excluded.model, dim = excluded.dim, vector = excluded.vector, "
                "linked_at = NULL",
                ((claim_id, model, dim, vector) for claim_id, vector in rows),
            )
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        return cursor.rowcount

    def embeddings(self, model: str) -> Iterator[tuple[str, bytes, bool]]:
        """``(claim_id, vector, linked)`` of every claim embedded by ``model``, in a stable
        order (the order the vectors were stored)."""
        yield from self._conn.execute(
            "SELECT claim_id, vector, linked_at IS NOT NULL FROM claim_embeddings "
            "WHERE model = ? ORDER BY rowid",
            (model,),
        )

    def mark_linked(self, claim_ids: Iterable[str]) -> None:
        """Record that these claims' neighbours have been searched."""
        now = _now()
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "UPDATE claim_embeddings SET linked_at = ? WHERE claim_id = ?",
                ((now, claim_id) for claim_id in claim_ids),
            )
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    def add_links(self, links: Iterable[tuple[str, str, float, str, str | None, bool]]) -> int:
        """Store ``(claim_a, claim_b, score, relation, reason, clustered)`` links; the pair
        is kept once, in id order, and a link found again replaces the earlier one."""
        rows = []
        for a, b, score, relation, reason, clustered in links:
            if a == b:
                continue
            first, second = (a, b) if a < b else (b, a)
            rows.append((first, second, float(score), relation, reason, int(clustered)))
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT OR REPLACE INTO claim_links "
                "(claim_a, claim_b, score, relation, reason, clustered) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        return len(rows)

    def links(
        self, *, relation: str | None = None, clustered: bool | None = None
    ) -> Iterator[tuple[str, str, float, str, str | None, bool]]:
        """Stored links ``(claim_a, claim_b, score, relation, reason, clustered)``, best
        score first; only those of one ``relation`` or clustering when given."""
        where, params = [], []
        if relation is not None:
            where.append("relation = ?")
            params.append(relation)
        if clustered is not None:
            where.append("clustered = ?")
            params.append(int(clustered))
        sql = "SELECT claim_a, claim_b, score, relation, reason, clustered FROM claim_links"
        if where:
            sql += " WHERE " + " AND ".join(where)
        for a, b, score, rel, reason, flag in self._conn.execute(
            sql + " ORDER BY score DESC, claim_a, claim_b", params
        ):
            yield a, b, score, rel, reason, bool(flag)

    def replace_clusters(
        self,
        clusters: Iterable[tuple[Any, ...]],
        members: Iterable[tuple[Any, ...]],
    ) -> None:
        """Replace every cluster in one transaction.

        ``clusters`` rows: ``(cluster_id, size, documents, representative_claim_id,
        representative_text, first_seen, first_claim_id, first_source, first_outlet)``;
        ``members`` rows: ``(cluster_id, position, claim_id, source, outlet, date, stance,
        score)``.
        """
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM cluster_members")
            conn.execute("DELETE FROM clusters")
            conn.executemany(_insert_sql("clusters", _CLUSTER_COLUMNS), clusters)
            conn.executemany(_insert_sql("cluster_members", _MEMBER_COLUMNS), members)
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    def clusters(self) -> Iterator[dict[str, Any]]:
        """Every cluster with its members (dicts of the table columns), largest first."""
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self._conn.execute(
            f"SELECT {', '.join(_MEMBER_COLUMNS)} FROM cluster_members "
            "ORDER BY cluster_id, position"
        ):
            member = dict(zip(_MEMBER_COLUMNS, row, strict=True))
            members[member.pop("cluster_id")].append(member)
        for row in self._conn.execute(
            f"SELECT {', '.join(_CLUSTER_COLUMNS)} FROM clusters "
            "ORDER BY size DESC, first_seen, cluster_id"
        ):
            cluster = dict(zip(_CLUSTER_COLUMNS, row, strict=True))
            cluster["members"] = members.get(cluster["cluster_id"], [])
            yield cluster

    def claims_by_id(self, claim_ids: Iterable[str]) -> dict[str, Claim]:
        """The stored claims with these ids (ids not stored are left out)."""
        wanted = list(dict.fromkeys(claim_ids))
        found: dict[str, Claim] = {}
        for i in range(0, len(wanted), _BATCH):
            batch = wanted[i : i + _BATCH]
            rows = self._conn.execute(
                _CLAIM_SELECT + f" WHERE c.claim_id IN ({_marks(len(batch))})", batch
            )
            found.update((c.claim_id, c) for c in self._claims(rows))
        return found

    def document_info(self, doc_ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """``(outlet, published)`` of each of these documents (without reading their texts)."""
        wanted = list(dict.fromkeys(doc_ids))
        found: dict[str, tuple[str | None, str | None]] = {}
        for i in range(0, len(wanted), _BATCH):
            batch = wanted[i : i + _BATCH]
            sql = (
                "SELECT doc_id, outlet, published FROM documents "
                f"WHERE doc_id IN ({_marks(len(batch))})"
            )
            found.update((d, (o, p)) for d, o, p in self._conn.execute(sql, batch))
        return found

    def link_counts(self) -> dict[str, int]:
        """How many claims are embedded and linked, and how many links and clusters exist."""
        (embedded, linked) = self._conn.execute(
            "SELECT count(*), count(linked_at) FROM claim_embeddings"
        ).fetchone()
        counts = {"embedded": embedded, "linked": linked}
        for relation, n in self._conn.execute(
            "SELECT relation, count(*) FROM claim_links GROUP BY relation"
        ):
            counts[relation] = n
        (counts["links"],) = self._conn.execute("SELECT count(*) FROM claim_links").fetchone()
        (counts["clusters"],) = self._conn.execute("SELECT count(*) FROM clusters").fetchone()
        return counts

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for ad-hoc SQL (do not leave a transaction open)."""
        return self._conn

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file (safe to call twice)."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ClaimStore({str(self.path)!r})"


# -- rows <-> records -------------------------------------------------------------------------


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _batches(rows: Iterator[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    """The rows in lists of at most ``_BATCH``; rows are fetched as the lists are used."""
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _unique_claims(document: Document, claims: list[Claim]) -> list[Claim]:
    seen: dict[str, Claim] = {}
    for claim in claims:
        if claim.doc_id != document.doc_id:
            raise ValueError(
                f"document {document.doc_id}: claim {claim.claim_id} belongs to "
                f"document {claim.doc_id}"
            )
        earlier = seen.get(claim.claim_id)
        if earlier is None:
            seen[claim.claim_id] = claim
        elif earlier != claim:
            raise ValueError(
                f"document {document.doc_id}: two different claims share id {claim.claim_id}"
            )
    # An exact repeat carries no information, so it is dropped rather than refused.
    return list(seen.values())


def _document_row(d: Document) -> tuple[Any, ...]:
    dl = d.dateline
    return (
        d.doc_id,
        _text(d.text),
        _text(d.title),
        _text(d.outlet),
        _text(d.published),
        _text(d.url),
        _text(d.origin),
        d.offset,
        None if dl is None else _text(dl.text),
        None if dl is None else dl.start,
        None if dl is None else dl.end,
        None if dl is None else _text(dl.place),
        None if dl is None else _text(dl.outlet),
        None if dl is None else dl.geonameid,
        None if dl is None else _text(dl.name),
        None if dl is None else _text(dl.country_code),
        None if dl is None else dl.lat,
        None if dl is None else dl.lon,
        _json(d.meta),
        _now(),
    )


def _document_from_row(
    row: Sequence[Any],
    dates: tuple[DateRef, ...],
    places: tuple[Place, ...],
    entities: tuple[Entity, ...],
) -> Document:
    (doc_id, text, title, outlet, published, url, origin, offset,
     dl_text, dl_start, dl_end, dl_place, dl_outlet,
     dl_geonameid, dl_name, dl_country, dl_lat, dl_lon, meta, _added_at) = row  # fmt: skip
    dateline = None
    if dl_start is not None:
        dateline = Dateline(dl_text, dl_start, dl_end, dl_place, dl_outlet,
                            dl_geonameid, dl_name, dl_country, dl_lat, dl_lon)  # fmt: skip
    return Document(
        doc_id=doc_id,
        text=text,
        title=title,
        outlet=outlet,
        published=published,
        url=url,
        dateline=dateline,
        origin=origin,
        offset=offset,
        meta=json.loads(meta),
        dates=dates,
        places=places,
        entities=entities,
    )


def _claim_row(c: Claim) -> tuple[Any, ...]:
    s, m, d = c.source, c.medium, c.date
    return (
        c.claim_id,
        c.doc_id,
        c.kind,
        None if s is None else _text(s.text),
        None if s is None else s.start,
        None if s is None else s.end,
        None if s is None else _text(s.resolved),
        None if s is None else _text(s.entity_id),
        None if s is None else _text(s.entity_name),
        None if s is None else _text(s.affiliation),
        _text(c.cue.text),
        c.cue.start,
        c.cue.end,
        _text(c.cue.lemma),
        c.cue.cls,
        _text(c.content.text),
        None if m is None else _text(m.text),
        None if m is None else m.start,
        None if m is None else m.end,
        int(c.hedged),
        None if d is None else _text(d.text),
        None if d is None else _text(d.value),
        None if d is None else d.start,
        None if d is None else d.end,
        None if d is None else _text(d.granularity),
        None if c.content.negated is None else int(c.content.negated),
    )


def _span_rows(text: str, c: Claim) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for role, span in (("source", c.source), ("cue", c.cue), ("medium", c.medium),
                       ("date", c.date)):  # fmt: skip
        if span is not None:
            rows.append((c.claim_id, c.doc_id, role, 0, span.start, span.end, _text(span.text)))
    # Content fragments are cut from the document, since Content.text joins them.
    for i, (start, end) in enumerate(c.content.fragments):
        rows.append((c.claim_id, c.doc_id, "content", i, start, end, _text(text[start:end])))
    return rows


def _claim_from_row(
    row: Sequence[Any],
    dates: tuple[DateRef, ...],
    places: tuple[Place, ...],
    targets: tuple[EntityRef, ...],
) -> Claim:
    (claim_id, doc_id, kind, src_text, src_start, src_end, src_resolved,
     src_entity_id, src_entity_name, src_affiliation,
     cue_text, cue_start, cue_end, cue_lemma, cue_class, content_text,
     med_text, med_start, med_end, hedged, date_text, date_value, date_start, date_end,
     date_granularity, content_negated, fragments) = row  # fmt: skip
    # json_group_array gives no order guarantee, hence the fragment index in each item.
    frags = tuple((start, end) for _, start, end in sorted(json.loads(fragments)))
    source = None
    if src_start is not None:
        source = Source(src_text, src_start, src_end, src_resolved,
                        src_entity_id, src_entity_name, src_affiliation)  # fmt: skip
    date = None
    if date_start is not None:
        date = DateRef(date_text, date_value, date_start, date_end, date_granularity)
    return Claim(
        doc_id=doc_id,
        claim_id=claim_id,
        kind=kind,
        source=source,
        cue=Cue(cue_text, cue_start, cue_end, cue_lemma, cue_class),
        content=Content(
            content_text, frags, None if content_negated is None else bool(content_negated)
        ),
        medium=None if med_start is None else Span(med_text, med_start, med_end),
        hedged=bool(hedged),
        date=date,
        dates=dates,
        places=places,
        targets=targets,
    )
