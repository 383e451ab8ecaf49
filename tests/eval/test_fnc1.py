"""The FNC-1 harness scores exactly as the shared scorer ``tools/fnc1_score.py`` does."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimgraph.eval.fnc1 import (
    LABELS,
    Fnc1InputError,
    format_scores,
    read,
    read_bodies,
    read_pairs,
    score,
    write_rows,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "fnc1_score.py"
FNC1 = SHARED / "data" / "fnc1"


def shared_score(gold: Path, pred: Path, *, as_json: bool) -> str:
    if not SCORER.exists():
        pytest.skip(f"shared scorer not found at {SCORER} (../shared is not beside the repo)")
    args = [sys.executable, str(SCORER), str(gold), str(pred)] + (["--json"] if as_json else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()


def test_score_by_hand() -> None:
    gold = {("h1", "1"): "agree", ("h2", "1"): "unrelated", ("h3", "2"): "disagree"}
    pred = {("h1", "1"): "discuss", ("h2", "1"): "unrelated"}  # h3 missing: 'unrelated'
    res = score(gold, pred)
    # got 0.25 (h1 related) + 0.25 (h2) + 0 (h3) of best 1 + 0.25 + 1
    assert res["relative_score"] == round(100 * 0.5 / 2.25, 2) == 22.22
    assert res["f1"] == {"agree": 0.0, "disagree": 0.0, "discuss": 0.0, "unrelated": 66.7}
    assert res["macro_f1"] == 16.7
    assert format_scores(res) == (
        "pairs 3  FNC-1 relative score 22.22  macro F1 16.7  per class "
        "{'agree': 0.0, 'disagree': 0.0, 'discuss': 0.0, 'unrelated': 66.7}"
    )


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["Pope backs climate deal", "ISIS beheads Foley", 'Déjà vu, "quoted"']),
        st.sampled_from(["1", "2", "30"]),
        st.sampled_from(LABELS),
        st.sampled_from([*LABELS, "Agree ", "nonsense", None]),
    ),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_strategy)
def test_parity_with_shared_scorer_synthetic(rows: list, tmp_path: Path) -> None:
    gold_csv, pred_csv = tmp_path / "gold.csv", tmp_path / "pred.csv"
    write_rows(gold_csv, [(h, b, g) for h, b, g, _ in rows])
    write_rows(pred_csv, [(h, b, p) for h, b, _, p in rows if p is not None])
    res = score(read(gold_csv), read(pred_csv))
    assert json.loads(shared_score(gold_csv, pred_csv, as_json=True)) == res
    assert shared_score(gold_csv, pred_csv, as_json=False) == format_scores(res)


def test_parity_with_shared_scorer_on_real_subset(tmp_path: Path) -> None:
    stances = FNC1 / "dev_stances.csv"
    if not stances.exists():
        pytest.skip(f"FNC-1 data not found at {stances} (../shared/data is missing)")
    with open(stances, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:2000]
    gold_csv, pred_csv = tmp_path / "gold.csv", tmp_path / "pred.csv"
    write_rows(gold_csv, [(r["Headline"], r["Body ID"], r["Stance"]) for r in rows])
    # A deterministic, imperfect prediction: every third row's label rotated, some dropped.
    pred = []
    for i, r in enumerate(rows):
        lab = r["Stance"]
        if i % 3 == 0:
            lab = LABELS[(LABELS.index(lab) + 1) % 4]
        if i % 17:
            pred.append((r["Headline"], r["Body ID"], lab))
    write_rows(pred_csv, pred)
    res = score(read(gold_csv), read(pred_csv))
    assert 0 < res["relative_score"] < 100
    assert json.loads(shared_score(gold_csv, pred_csv, as_json=True)) == res
    assert shared_score(gold_csv, pred_csv, as_json=False) == format_scores(res)


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "stances.csv"
    bad.write_text("Title,Body ID\nPope backs deal,1\n", encoding="utf-8")
    with pytest.raises(Fnc1InputError, match=r"stances\.csv: missing column\(s\) Headline"):
        read_pairs(bad, {"1": "body"}, labelled=False)


def test_missing_file_and_binary_file(tmp_path: Path) -> None:
    with pytest.raises(Fnc1InputError, match=r"nope\.csv: no such file"):
        read_bodies(tmp_path / "nope.csv")
    binary = tmp_path / "bodies.csv"
    binary.write_bytes(b"Body ID,articleBody\n1,\xff\xfe\x00bad\n")
    with pytest.raises(Fnc1InputError, match=r"bodies\.csv: not UTF-8"):
        read_bodies(binary)


def test_bad_rows_are_reported_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stances = tmp_path / "stances.csv"
    write_rows(
        stances,
        [("Pope backs deal", "1", "agree"), ("Ghost body", "9", "agree"),
         ("Odd label", "1", "maybe")],
    )  # fmt: skip
    rows = read_pairs(stances, {"1": "The Pope backed the deal."}, labelled=True)
    assert rows == [{"Headline": "Pope backs deal", "Body ID": "1", "Stance": "agree"}]
    assert "line 3: Body ID '9' is not in the bodies file" in caplog.text
    assert "line 4: unknown stance 'maybe'" in caplog.text


def test_no_usable_rows_is_an_error(tmp_path: Path) -> None:
    stances = tmp_path / "stances.csv"
    write_rows(stances, [("Ghost body", "9", "agree")])
    with pytest.raises(Fnc1InputError, match="no usable"):
        read_pairs(stances, {"1": "x"}, labelled=True)
