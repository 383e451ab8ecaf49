"""Place evaluation: the port scores exactly like the shared scorer."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimgraph.cli import app
from claimgraph.eval.places import evaluate_places, format_scores, load_gold, score

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
GOLD = SHARED / "data" / "geo" / "dev.jsonl"
SCORER = SHARED / "tools" / "places_score.py"


def test_score_counts_overlaps_and_distance():
    gold = [
        {
            "text": "Rain in Paris and Lyon.",
            "toponyms": [
                {"name": "Paris", "start": 8, "end": 13, "lat": 48.85, "lon": 2.35},
                {"name": "Lyon", "start": 18, "end": 22, "lat": 45.76, "lon": 4.83},
                {"name": "Rain", "start": 0, "end": 4, "lat": None, "lon": None},
            ],
        }
    ]
    pred = {
        gold[0]["text"]: [
            {"start": 8, "end": 13, "lat": 48.86, "lon": 2.34},  # close
            {"start": 18, "end": 22, "lat": 33.66, "lon": -95.56},  # Paris, Texas: far
            {"start": 0, "end": 4, "lat": 1.0, "lon": 1.0},
        ]
    }  # on an unscored toponym
    res = score(gold, pred)
    assert res["recognition"] == {"p": 100.0, "r": 100.0, "f1": 100.0}
    assert (res["acc_161km"], res["end_to_end_recall_161km"], res["pred_places"]) == (50.0, 50.0, 2)
    assert format_scores(res).startswith("documents 1 gold toponyms 2  recognition F1 100.0")


def test_bad_gold_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"text": "x", "toponyms": []}\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold.jsonl:2: not a gold document"):
        load_gold(path)


def test_same_numbers_as_the_shared_scorer_on_what_extract_writes(tmp_path):
    if not GOLD.exists() or not SCORER.exists():
        pytest.skip(f"shared geo gold or scorer not found at {SHARED} (../shared beside the repo)")
    # A few local-news articles, and wire stories whose dateline names its state ("GLASGOW,
    # Ky. (WBKO) --"): `extract` reads the dateline, and so must the evaluation.
    gold = load_gold(GOLD)
    stated = [d for d in gold if re.match(r"[A-Z ]+, Ky\.? \(", d["text"])]
    assert len(stated) >= 2
    gold = gold[:4] + stated[:3]
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(d) + "\n" for d in gold), encoding="utf-8")
    pred_path = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["extract", str(gold_path), "--out", str(pred_path)])
    assert result.exit_code == 0, result.output
    out = subprocess.run(
        [sys.executable, str(SCORER), str(gold_path), str(pred_path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    res = evaluate_places(gold_path)
    assert res == json.loads(out)
    assert res["gold_toponyms"] > 0 and res["pred_places"] > 0
