"""The multi-outlet corpus (tests/fixtures/multi_outlet), extracted once and linked once.

Four articles report the same exchange of October 2017: TASS repeats the Russian Defense
Ministry's accusation that the US supports terrorists in Syria, Reuters reports both sides,
CNN and Sputnik (the bundled example) carry the Pentagon's denial.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimgraph import api
from claimgraph.link import link
from claimgraph.store import ClaimStore

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "multi_outlet"


@pytest.fixture(scope="session")
def extracted_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus extracted into a database, not linked."""
    db = tmp_path_factory.mktemp("multi_outlet") / "extracted.db"
    errors: list[str] = []
    summary = api.run([CORPUS], db, on_error=errors.append)
    assert errors == [] and summary.new_documents == 4
    return db


@pytest.fixture(scope="session")
def linked_db(extracted_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus extracted and linked (rules only, no stance model)."""
    db = tmp_path_factory.mktemp("multi_outlet") / "linked.db"
    shutil.copy(extracted_db, db)
    with ClaimStore(db) as store:
        link(store)
    return db


@pytest.fixture
def linked(linked_db: Path, tmp_path: Path) -> Path:
    """A private copy of the linked database, for tests that write to it."""
    db = tmp_path / "linked.db"
    shutil.copy(linked_db, db)
    return db
