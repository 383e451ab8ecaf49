"""Fixtures shared across the test folders: the shared scorers beside the repository."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def load_shared_tool(name: str) -> ModuleType:
    """``../shared/tools/<name>.py`` as a module; skips the test when it is not there."""
    path = SHARED / "tools" / f"{name}.py"
    if not path.exists():
        pytest.skip(f"shared scorer not found at {path} (../shared is not beside the repo)")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def polnear_scorer() -> ModuleType:
    return load_shared_tool("polnear_score")


@pytest.fixture(scope="session")
def dates_scorer() -> ModuleType:
    return load_shared_tool("dates_score")
