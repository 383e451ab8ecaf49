"""Exports of stored claims: tables (JSONL, CSV, Parquet) and brat standoff annotations."""

from __future__ import annotations

from claimgraph.export.tables import CLAIM_COLUMNS, FORMATS, claim_row, export, write_jsonl

__all__ = ["CLAIM_COLUMNS", "FORMATS", "claim_row", "export", "write_jsonl"]
