"""Shared locations for the ingest tests, as fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

import claimgraph

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the repo root (may be missing: tests using it skip)."""
    return ROOT.parent / "shared"


@pytest.fixture
def fixtures_dir() -> Path:
    return Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def example_path() -> Path:
    """The bundled Sputnik example shipped inside the package."""
    return Path(claimgraph.__file__).parent / "examples" / "sputnik-2017-10-07-pentagon.txt"


@pytest.fixture
def polnear_texts(shared_dir: Path) -> list[Path]:
    """The real PolNeAR dev articles; skips when ../shared/data is not beside the repo."""
    folder = shared_dir / "data" / "polnear" / "dev" / "text"
    if not folder.is_dir():
        pytest.skip(f"PolNeAR data not found at {folder} (needs ../shared beside the repo)")
    return sorted(folder.glob("*.txt"))
