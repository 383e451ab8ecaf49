"""Storage of documents and claims: one SQLite file, searchable, readable by Datasette."""

from __future__ import annotations

from claimgraph.store.db import MIGRATIONS, SCHEMA_VERSION, ClaimStore, StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "ClaimStore", "StoreError"]
