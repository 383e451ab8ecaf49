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


def test_polnear_ceiling_decodes_the_gold_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    ceiling = _script("polnear_ceiling")
    # A gold attribution no tagger would find ("were" a cue of "baseless"): only decoding the
    # gold tags, not the model's, finds it, and finds it exactly.
    text = "The claims were baseless, officials said on Friday.\n"
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    ann = (
        "T1\tSource 0 10\tThe claims\nT2\tCue 11 15\twere\nT3\tContent 16 24\tbaseless\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
    )
    (tmp_path / "attributions" / "a_aaaa.ann").write_text(ann, encoding="utf-8")
    res = ceiling.ceiling(tmp_path, pointer=False)
    assert (res["gold_relations"], res["pred_relations"]) == (1, 1)
    assert res["relation"]["f1"] == 100.0
    assert {role: res["exact"][role]["f1"] for role in ("Source", "Cue", "Content")} == {
        "Source": 100.0,
        "Cue": 100.0,
        "Content": 100.0,
    }
    # and the model runs as it was afterwards: its own tags, not the gold's
    assert ceiling.tagger.log_probs.__name__ == "log_probs"
    assert ceiling.tagger.refine_contents.__name__ == "refine_contents"
    assert ceiling.main([str(tmp_path), "--no-pointer"]) == 0
    assert "relation P 100.0 R 100.0 F1 100.0" in capsys.readouterr().out
    assert ceiling.main([str(tmp_path / "missing")]) == 2
