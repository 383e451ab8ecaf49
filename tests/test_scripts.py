"""The measuring scripts of ``scripts/`` that the README's figures come from."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import claimgraph

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_entity_stats_on_the_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stats = _script("entity_stats")
    results = list(claimgraph.process([claimgraph.example_path()]))
    (document, claims) = results[0]
    s = stats.entity_stats(results)
    said = [c for c in claims if c.kind != "narrative"]
    assert s["articles"] == 1
    assert s["claims"] == len(said)
    assert s["narrative_per_article"] == len(claims) - len(said) > 0
    assert s["entities_per_article"] == len(document.entities)
    # every source of the example is an entity (the Pentagon, the Russian Defense Ministry)
    assert s["source_entity_pct"] == 100.0
    assert 0 < s["source_affiliation_pct"] < 100
    # the command line: a folder of .txt articles
    (tmp_path / "a.txt").write_text(claimgraph.example_path().read_text(encoding="utf-8"))
    assert stats.main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(f"articles 1  claims {len(said)} ")
    assert stats.main([str(tmp_path / "missing")]) == 2
