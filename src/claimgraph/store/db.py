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

Layout (see ``MIGRATIONS``): ``documents`` (one row per article, keyed by the content-hash
``doc_id``), ``claims`` (one row per attribution, ``doc_id`` a foreign key to ``documents``
so Datasette links each claim to its article) and ``spans`` (one row per character span of a
claim: the source, cue, medium and date spans, and each fragment of the content, so offsets
can be queried in SQL). ``claims_fts`` and ``documents_fts`` are the full-text indexes.

Why external-content FTS5: the article texts are most of the file; a plain FTS5 table would
store each text a second time, while ``content="documents"`` keeps only the index and reads
the text from the table itself. Triggers keep both indexes in step with their tables on
insert, update and delete, whoever writes (this class, the ``sqlite3`` shell, a notebook).
Datasette recognises the ``content="claims"`` form and shows a search box on those tables.
The Porter stemmer is on so that "tariffs" finds "tariff" and "denied" finds "deny".

Writes are idempotent by ``doc_id``: a document already stored is skipped with nothing
written, so re-running an extraction over the same inputs adds nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
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
    Source,
    Span,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "ClaimStore", "StoreError"]

_TOKENIZER = "porter unicode61 remove_diacritics 2"

# Each migration is the list of statements that takes the schema from version i to i + 1.
# Append new migrations; never edit one that has shipped, since files in the wild ran it.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        """CREATE TABLE documents (
            doc_id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            published TEXT,
            url TEXT,
            origin TEXT,
            text_offset INTEGER NOT NULL DEFAULT 0,
            dateline_text TEXT,
            dateline_start INTEGER,
            dateline_end INTEGER,
            dateline_place TEXT,
            dateline_outlet TEXT,
            meta TEXT NOT NULL DEFAULT '{}',
            added_at TEXT NOT NULL
        )""",
        """CREATE TABLE claims (
            claim_id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            source_text TEXT,
            source_start INTEGER,
            source_end INTEGER,
            source_resolved TEXT,
            cue_text TEXT NOT NULL,
            cue_start INTEGER NOT NULL,
            cue_end INTEGER NOT NULL,
            cue_lemma TEXT NOT NULL,
            cue_class TEXT NOT NULL,
            content_text TEXT NOT NULL,
            medium_text TEXT,
            medium_start INTEGER,
            medium_end INTEGER,
            hedged INTEGER NOT NULL DEFAULT 0,
            date_text TEXT,
            date_value TEXT,
            date_start INTEGER,
            date_end INTEGER
        )""",
        """CREATE TABLE spans (
            claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('source', 'cue', 'content', 'medium', 'date')),
            fragment INTEGER NOT NULL DEFAULT 0,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (claim_id, role, fragment)
        )""",
        "CREATE INDEX claims_doc_id ON claims(doc_id)",
        "CREATE INDEX claims_source_resolved ON claims(source_resolved)",
        "CREATE INDEX claims_cue_class ON claims(cue_class)",
        "CREATE INDEX claims_date_value ON claims(date_value)",
        "CREATE INDEX spans_doc_id_start ON spans(doc_id, start)",
        "CREATE INDEX documents_published ON documents(published)",
        "CREATE INDEX documents_outlet ON documents(outlet)",
        f"""CREATE VIRTUAL TABLE claims_fts USING fts5(
            content_text, content="claims", tokenize="{_TOKENIZER}"
        )""",
        """CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
            INSERT INTO claims_fts(rowid, content_text) VALUES (new.rowid, new.content_text);
        END""",
        """CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, content_text)
            VALUES ('delete', old.rowid, old.content_text);
        END""",
        """CREATE TRIGGER claims_fts_update AFTER UPDATE ON claims BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, content_text)
            VALUES ('delete', old.rowid, old.content_text);
            INSERT INTO claims_fts(rowid, content_text) VALUES (new.rowid, new.content_text);
        END""",
        f"""CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content="documents", tokenize="{_TOKENIZER}"
        )""",
        """CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, text)
            VALUES (new.rowid, new.title, new.text);
        END""",
        """CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END""",
        """CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO documents_fts(rowid, title, text)
            VALUES (new.rowid, new.title, new.text);
        END""",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)

_DOCUMENT_COLUMNS = (
    "doc_id", "text", "title", "outlet", "published", "url", "origin", "text_offset",
    "dateline_text", "dateline_start", "dateline_end", "dateline_place", "dateline_outlet",
    "meta", "added_at",
)  # fmt: skip
_CLAIM_COLUMNS = (
    "claim_id", "doc_id", "kind", "source_text", "source_start", "source_end",
    "source_resolved", "cue_text", "cue_start", "cue_end", "cue_lemma", "cue_class",
    "content_text", "medium_text", "medium_start", "medium_end", "hedged", "date_text",
    "date_value", "date_start", "date_end",
)  # fmt: skip
_SPAN_COLUMNS = ("claim_id", "doc_id", "role", "fragment", "start", "end", "text")

_CLAIM_SELECT = f"""
    SELECT {", ".join("c." + c for c in _CLAIM_COLUMNS)},
        (SELECT json_group_array(json_array(s.fragment, s.start, s."end")) FROM spans s
         WHERE s.claim_id = c.claim_id AND s.role = 'content') AS fragments
    FROM claims c"""

_SURROGATE = re.compile("[\ud800-\udfff]")


class StoreError(Exception):
    """The database file cannot be used (not SQLite, or written by a newer claimgraph)."""


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"


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


class ClaimStore:
    """Documents and claims in a SQLite file (WAL mode, FTS5 search, schema migrations).

    ``path`` is the database file, created with its parent folders if missing;
    ``":memory:"`` gives a throwaway database. Use as a context manager or call ``close``.
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
        # opening a new file at once cannot both run the same migration.
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
            conn.executemany(_insert_sql("claims", _CLAIM_COLUMNS), [_claim_row(c) for c in claims])
            conn.executemany(
                _insert_sql("spans", _SPAN_COLUMNS),
                [row for c in claims for row in _span_rows(document.text, c)],
            )
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as e:
            _rollback(conn)
            raise ValueError(f"document {document.doc_id}: claims not stored ({e})") from e
        except BaseException:
            _rollback(conn)
            raise
        return True

    # -- reading ----------------------------------------------------------------------------

    def has(self, doc_id: str) -> bool:
        """Whether a document with this id is stored."""
        row = self._conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,))
        return row.fetchone() is not None

    def documents(self) -> Iterator[Document]:
        """Every stored document, in the order they were added."""
        sql = f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM documents ORDER BY rowid"
        for row in self._conn.execute(sql):
            yield _document_from_row(row)

    def document(self, doc_id: str) -> Document | None:
        """The stored document with this id, or None."""
        sql = f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM documents WHERE doc_id = ?"
        row = self._conn.execute(sql, (doc_id,)).fetchone()
        return None if row is None else _document_from_row(row)

    def claims(self, doc_id: str | None = None) -> Iterator[Claim]:
        """The claims of one document (or of all), in the order they were added."""
        if doc_id is None:
            rows = self._conn.execute(_CLAIM_SELECT + " ORDER BY c.rowid")
        else:
            rows = self._conn.execute(
                _CLAIM_SELECT + " WHERE c.doc_id = ? ORDER BY c.rowid", (doc_id,)
            )
        for row in rows:
            yield _claim_from_row(row)

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
        return [_claim_from_row(r) for r in self._match(sql, query, limit)]

    def search_documents(self, query: str, *, limit: int | None = None) -> list[Document]:
        """Documents whose title or text matches ``query`` (same syntax as ``search``)."""
        columns = ", ".join("d." + c for c in _DOCUMENT_COLUMNS)
        sql = (
            f"SELECT {columns} FROM documents d JOIN documents_fts f ON f.rowid = d.rowid"
            " WHERE documents_fts MATCH ? ORDER BY f.rank LIMIT ?"
        )
        return [_document_from_row(r) for r in self._match(sql, query, limit)]

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
        _json(d.meta),
        _now(),
    )


def _document_from_row(row: Sequence[Any]) -> Document:
    (doc_id, text, title, outlet, published, url, origin, offset,
     dl_text, dl_start, dl_end, dl_place, dl_outlet, meta, _added_at) = row  # fmt: skip
    dateline = None
    if dl_start is not None:
        dateline = Dateline(dl_text, dl_start, dl_end, dl_place, dl_outlet)
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


def _claim_from_row(row: Sequence[Any]) -> Claim:
    (claim_id, doc_id, kind, src_text, src_start, src_end, src_resolved,
     cue_text, cue_start, cue_end, cue_lemma, cue_class, content_text,
     med_text, med_start, med_end, hedged, date_text, date_value, date_start, date_end,
     fragments) = row  # fmt: skip
    # json_group_array gives no order guarantee, hence the fragment index in each item.
    frags = tuple((start, end) for _, start, end in sorted(json.loads(fragments)))
    return Claim(
        doc_id=doc_id,
        claim_id=claim_id,
        kind=kind,
        source=None if src_start is None else Source(src_text, src_start, src_end, src_resolved),
        cue=Cue(cue_text, cue_start, cue_end, cue_lemma, cue_class),
        content=Content(content_text, frags),
        medium=None if med_start is None else Span(med_text, med_start, med_end),
        hedged=bool(hedged),
        date=None if date_start is None else DateRef(date_text, date_value, date_start, date_end),
    )
