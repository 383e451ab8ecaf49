from __future__ import annotations

import dataclasses

import pytest

from claimgraph.ingest import IngestError


def test_str_is_one_line_origin_then_reason() -> None:
    error = IngestError("feeds/day1.jsonl:12", "invalid JSON: Expecting ',' delimiter (column 40)")
    assert str(error) == "feeds/day1.jsonl:12: invalid JSON: Expecting ',' delimiter (column 40)"


def test_str_folds_newlines_in_the_reason() -> None:
    error = IngestError("a.txt", "cannot read:\n  permission denied")
    assert str(error) == "a.txt: cannot read: permission denied"


def test_is_frozen() -> None:
    error = IngestError("a.txt", "empty file")
    with pytest.raises(dataclasses.FrozenInstanceError):
        error.reason = "other"  # type: ignore[misc]
