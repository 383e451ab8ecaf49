"""The database schema: the migrations that build it, one version at a time.

Version 1 holds documents, claims and their spans with the full-text indexes. Version 2 adds
who, when and where:

- ``entities`` (one row per canonical entity, ``name`` is the label Datasette shows) and
  ``aliases`` (the names each document used for it, so one row per alias per document);
  ``document_entities`` lists the entities of each document in the order the pipeline gave
  them, with the name, kind and QID that document saw;
- ``dates`` and ``places``: one row per date expression or place mention of a document, with
  its offsets, normalised value or GeoNames fields. ``position`` is the mention's index in
  ``Document.dates`` / ``Document.places``;
- ``claim_dates`` and ``claim_places`` link a claim to the mentions inside its content
  (``Claim.dates`` / ``Claim.places``), in order. The pipeline takes those from the
  document's mentions, so a mention is stored once and linked; a claim mention that the
  document does not list (hand-built records) gets its own row with ``position`` NULL, so
  what was added always comes back;
- ``claim_targets``: the entities a claim is about, in order;
- new columns: ``claims.source_entity_id`` (a foreign key to ``entities``, so Datasette
  links a claim to its source's entity), ``source_entity_name``, ``source_affiliation``,
  ``date_granularity``, and the dateline's GeoNames fields on ``documents``.

Version 3 adds the links across sources (``claimgraph.link``):

- ``claim_embeddings``: one float32 vector per claim (``dim`` little-endian floats in a
  BLOB) with the name of the model that made it; ``linked_at`` is set once the claim's
  neighbours have been searched, so the next ``link`` run searches only for new claims;
- ``claim_links``: pairs of claims (``claim_a < claim_b``) with their cosine ``score``, the
  ``relation`` between them (agree | contradict | discuss | unrelated), what decided it
  (``reason``) and whether the pair joins one cluster (``clustered``);
- ``clusters`` and ``cluster_members``: the claims of one proposition across documents,
  each cluster with a representative claim and text, when and by whom it was first seen,
  and each member with its source, outlet, date and stance towards the representative.
  Clusters are rebuilt from ``claim_links`` by every ``link`` run.

Version 4 adds ``claims.content_negated`` (``Content.negated``: 1 when the parse puts a
negation in the content's main clause, 0 when not, NULL for claims stored before it).
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

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
    (
        "ALTER TABLE documents ADD COLUMN dateline_geonameid INTEGER",
        "ALTER TABLE documents ADD COLUMN dateline_name TEXT",
        "ALTER TABLE documents ADD COLUMN dateline_country_code TEXT",
        "ALTER TABLE documents ADD COLUMN dateline_lat REAL",
        "ALTER TABLE documents ADD COLUMN dateline_lon REAL",
        """CREATE TABLE entities (
            entity_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT,
            qid TEXT
        )""",
        # entity_position is the entity's position in document_entities, so a document
        # keeps each entity's own aliases in order.
        """CREATE TABLE aliases (
            entity_id TEXT NOT NULL REFERENCES entities(entity_id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            entity_position INTEGER NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (doc_id, entity_position, position)
        )""",
        """CREATE TABLE document_entities (
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            entity_id TEXT NOT NULL REFERENCES entities(entity_id) ON DELETE CASCADE,
            name TEXT,
            kind TEXT,
            qid TEXT,
            PRIMARY KEY (doc_id, position)
        )""",
        """CREATE TABLE dates (
            date_id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            position INTEGER,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            value TEXT NOT NULL,
            granularity TEXT,
            date_range TEXT
        )""",
        """CREATE TABLE places (
            place_id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            position INTEGER,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            geonameid INTEGER,
            name TEXT,
            country_code TEXT,
            lat REAL,
            lon REAL,
            feature_class TEXT
        )""",
        # A NULL default is what SQLite requires of a column added with a foreign key.
        "ALTER TABLE claims ADD COLUMN source_entity_id TEXT REFERENCES entities(entity_id)",
        "ALTER TABLE claims ADD COLUMN source_entity_name TEXT",
        "ALTER TABLE claims ADD COLUMN source_affiliation TEXT",
        "ALTER TABLE claims ADD COLUMN date_granularity TEXT",
        """CREATE TABLE claim_dates (
            claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            date_id INTEGER NOT NULL REFERENCES dates(date_id) ON DELETE CASCADE,
            PRIMARY KEY (claim_id, position)
        )""",
        """CREATE TABLE claim_places (
            claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            place_id INTEGER NOT NULL REFERENCES places(place_id) ON DELETE CASCADE,
            PRIMARY KEY (claim_id, position)
        )""",
        """CREATE TABLE claim_targets (
            claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            entity_id TEXT NOT NULL REFERENCES entities(entity_id) ON DELETE CASCADE,
            name TEXT,
            PRIMARY KEY (claim_id, position)
        )""",
        "CREATE INDEX aliases_entity_id ON aliases(entity_id)",
        "CREATE INDEX document_entities_entity_id ON document_entities(entity_id)",
        "CREATE INDEX dates_doc_id_start ON dates(doc_id, start)",
        "CREATE INDEX dates_value ON dates(value)",
        "CREATE INDEX places_doc_id_start ON places(doc_id, start)",
        "CREATE INDEX places_geonameid ON places(geonameid)",
        "CREATE INDEX claims_source_entity_id ON claims(source_entity_id)",
        "CREATE INDEX claims_source_affiliation ON claims(source_affiliation)",
        "CREATE INDEX claim_dates_date_id ON claim_dates(date_id)",
        "CREATE INDEX claim_places_place_id ON claim_places(place_id)",
        "CREATE INDEX claim_targets_entity_id ON claim_targets(entity_id)",
    ),
    (
        """CREATE TABLE claim_embeddings (
            claim_id TEXT PRIMARY KEY REFERENCES claims(claim_id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            linked_at TEXT
        )""",
        """CREATE TABLE claim_links (
            claim_a TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            claim_b TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            score REAL NOT NULL,
            relation TEXT NOT NULL
                CHECK (relation IN ('agree', 'contradict', 'discuss', 'unrelated')),
            reason TEXT,
            clustered INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (claim_a, claim_b),
            CHECK (claim_a < claim_b)
        )""",
        """CREATE TABLE clusters (
            cluster_id TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            documents INTEGER NOT NULL,
            representative_claim_id TEXT NOT NULL REFERENCES claims(claim_id)
                ON DELETE CASCADE,
            representative_text TEXT NOT NULL,
            first_seen TEXT,
            first_claim_id TEXT REFERENCES claims(claim_id) ON DELETE CASCADE,
            first_source TEXT,
            first_outlet TEXT
        )""",
        """CREATE TABLE cluster_members (
            cluster_id TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            claim_id TEXT NOT NULL UNIQUE REFERENCES claims(claim_id) ON DELETE CASCADE,
            source TEXT,
            outlet TEXT,
            date TEXT,
            stance TEXT NOT NULL
                CHECK (stance IN ('agree', 'contradict', 'discuss', 'unrelated')),
            score REAL,
            PRIMARY KEY (cluster_id, position)
        )""",
        "CREATE INDEX claim_embeddings_unlinked ON claim_embeddings(model) WHERE linked_at IS NULL",
        "CREATE INDEX claim_links_claim_b ON claim_links(claim_b)",
        "CREATE INDEX claim_links_relation ON claim_links(relation)",
        "CREATE INDEX clusters_first_seen ON clusters(first_seen)",
    ),
    ("ALTER TABLE claims ADD COLUMN content_negated INTEGER",),
]
SCHEMA_VERSION = len(MIGRATIONS)
