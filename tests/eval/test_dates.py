"""The dates harness scores exactly as the shared scorer ``tools/dates_score.py`` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimgraph.cli import app
from claimgraph.eval import dates

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "dates_score.py"
TEMPEVAL = SHARED / "data" / "tempeval3" / "tbaq_timebank_aquaint.jsonl"

TEXT = "Prices fell Friday and rose in the third quarter; a year ago they rose for weeks."
GOLD = {
    "docid": "t1",
    "dct": "1998-02-28",
    "text": TEXT,
    "timexes": [
        {"type": "DATE", "value": "1998-02-27", "text": "Friday", "start": 12, "end": 18},
        {"type": "DATE", "value": "1997-Q4", "text": "the third quarter", "start": 31,
         "end": 48},
        {"type": "DATE", "value": "PAST_REF", "text": "a year ago", "start": 50, "end": 60},
        {"type": "DURATION", "value": "P1W", "text": "weeks", "start": 75, "end": 80},
    ],
}  # fmt: skip


def test_score_counts_overlap_value_and_ignores_other_timexes() -> None:
    pred = {
        TEXT: [
            {"start": 12, "end": 18, "value": "1998-02-27"},  # right
            {"start": 35, "end": 48, "value": "1998-Q3"},  # overlaps, wrong value
            {"start": 50, "end": 60, "value": "1997"},  # on a non-calendar DATE: unscored
            {"start": 75, "end": 80, "value": "1998-W08"},  # on a DURATION: unscored
            {"start": 0, "end": 6, "value": "1998"},  # on no timex: a false positive
        ]
    }
    res = dates.score([GOLD], pred)
    assert res == {
        "documents": 1,
        "gold_dates": 2,
        "pred_dates": 3,
        "extent": {"p": 66.7, "r": 100.0, "f1": 80.0},
        "value": {"p": 33.3, "r": 50.0, "f1": 40.0},
    }
    assert dates.format_scores(res) == (
        "documents 1 gold DATE 2 predicted 3  extent F1 80.0  value P 33.3 R 50.0 F1 40.0"
    )


def test_a_range_matches_exactly_its_calendar_unit() -> None:
    assert dates.same_value("2017-10-02/2017-10-08", "2017-W40")
    assert dates.same_value("2017-07-01/2017-09-30", "2017-Q3")
    assert dates.same_value("2017-01-01/2017-12-31", "2017")
    assert not dates.same_value("2017-10-11/2017-10-20", "2017-10")
    assert not dates.same_value("2017-10", "2017-10-01")
    assert dates.same_value(" 2017-10 ", "2017-10")


_VALUES = st.one_of(
    st.sampled_from(["2017", "2017-10", "2017-W40", "2017-Q4", "2017-10-06", "2017-13", ""]),
    st.text(max_size=12),
)


@settings(max_examples=200, deadline=None)
@given(pred=_VALUES, gold=_VALUES, a=_VALUES, b=_VALUES)
def test_same_value_agrees_with_the_shared_scorer(
    dates_scorer: ModuleType, pred: str, gold: str, a: str, b: str
) -> None:
    scorer = dates_scorer
    for p in (pred, f"{a}/{b}"):
        assert dates.same_value(p, gold) == scorer.same_value(p, gold)
        assert dates.unit_range(p) == scorer.unit_range(p)


def test_bad_gold_lines_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("{broken\n" + json.dumps({"text": "x"}) + "\n" + json.dumps(GOLD) + "\n")
    assert dates.load_gold(path) == [GOLD]
    assert f"{path}:1: invalid JSON" in caplog.text
    assert f"{path}:2: not a gold document" in caplog.text


def test_evaluate_dates_equals_the_shared_scorer_on_extract_output(
    dates_scorer: ModuleType, tmp_path: Path
) -> None:
    if not TEMPEVAL.exists():
        pytest.skip(f"TempEval-3 data not found at {TEMPEVAL} (../shared is not beside the repo)")
    with open(TEMPEVAL, encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip()][:6]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(lines), encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["extract", str(gold), "--out", str(pred)])
    assert result.exit_code == 0, result.output
    run = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(pred), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    expected = json.loads(run.stdout)
    res = dates.evaluate_dates(gold)
    assert res == expected
    assert res["gold_dates"] > 0 and res["pred_dates"] > 0
    plain = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(pred)], capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert dates.format_scores(res) == plain.stdout.strip()
