"""The HNSW index against exact search on a small set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimgraph.link.index import ClaimIndex, exact_neighbours, open_index


def unit_vectors(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Vectors around 50 topics, as claim vectors are (many near-repeats, few topics)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    vectors = centres[rng.integers(0, 50, n)] + 0.6 * rng.normal(size=(n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_recall_against_exact_search() -> None:
    vectors = unit_vectors(3000)
    index = ClaimIndex.build(vectors)
    queries = vectors[:300]
    labels, scores = index.search(queries, 10)
    exact, exact_scores = exact_neighbours(vectors, queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(labels, exact, strict=True)])
    assert recall >= 0.95
    # Each vector is its own nearest neighbour, with cosine 1.
    assert (labels[:, 0] == np.arange(300)).all()
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)
    assert np.allclose(np.sort(scores, axis=1), np.sort(exact_scores, axis=1), atol=0.05)


def test_adding_grows_the_index_and_finds_the_new_rows() -> None:
    vectors = unit_vectors(200, seed=1)
    index = ClaimIndex(vectors.shape[1], capacity=50)
    index.add(vectors[:150], start=0)
    index.add(vectors[150:], start=150)
    assert len(index) == 200
    labels, _ = index.search(vectors[150:], 1)
    assert (labels[:, 0] == np.arange(150, 200)).all()


def test_asking_for_more_neighbours_than_there_are_rows() -> None:
    vectors = unit_vectors(3, seed=2)
    labels, scores = ClaimIndex.build(vectors).search(vectors, 10)
    assert labels.shape == scores.shape == (3, 3)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=5))
def test_scores_are_cosines_best_first(n: int, k: int) -> None:
    vectors = unit_vectors(n, dim=16, seed=n)
    labels, scores = ClaimIndex.build(vectors).search(vectors, k)
    assert labels.shape == (n, min(k, n))
    assert (np.diff(scores, axis=1) <= 1e-6).all()
    expected = np.einsum("ij,ikj->ik", vectors, vectors[labels])
    assert np.allclose(scores, expected, atol=1e-5)


def _ids(n: int, prefix: str = "c") -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def test_a_saved_index_is_reused_and_only_new_rows_are_added(tmp_path: Path) -> None:
    path = tmp_path / "claims.db.hnsw"
    vectors = unit_vectors(300, seed=3)
    _, done = open_index(path, "model", _ids(200), vectors[:200])
    assert done == {"reused": 0, "added": 200}
    assert path.exists() and path.with_name("claims.db.hnsw.json").exists()
    index, done = open_index(path, "model", _ids(300), vectors)
    assert done == {"reused": 200, "added": 100}
    assert len(index) == 300
    labels, _ = index.search(vectors[200:], 1)
    assert (labels[:, 0] == np.arange(200, 300)).all()
    # Nothing new: the saved index is used as it is.
    assert open_index(path, "model", _ids(300), vectors)[1] == {"reused": 300, "added": 0}


@pytest.mark.parametrize(
    "change",
    ["another model", "a vector changed", "a claim id changed", "fewer rows", "corrupt file"],
)
def test_an_index_that_does_not_match_the_vectors_is_rebuilt(tmp_path: Path, change: str) -> None:
    path = tmp_path / "claims.db.hnsw"
    vectors = unit_vectors(120, seed=4)
    ids = _ids(120)
    open_index(path, "model", ids, vectors)
    model = "model"
    if change == "another model":
        model = "other-model"
    elif change == "a vector changed":
        vectors = vectors.copy()
        vectors[7] = -vectors[7]
    elif change == "a claim id changed":
        ids = [*ids[:5], "x5", *ids[6:]]
    elif change == "fewer rows":
        ids, vectors = ids[:100], vectors[:100]
    else:
        path.write_bytes(b"not an index")
    index, done = open_index(path, model, ids, vectors)
    assert done == {"reused": 0, "added": len(ids)}
    labels, _ = index.search(vectors[:20], 1)
    assert (labels[:, 0] == np.arange(20)).all()


def test_without_a_path_nothing_is_saved(tmp_path: Path) -> None:
    index, done = open_index(None, "model", _ids(10), unit_vectors(10, seed=5))
    assert done == {"reused": 0, "added": 10} and len(index) == 10
    assert list(tmp_path.iterdir()) == []


def test_locality_order_is_a_permutation_that_groups_similar_rows() -> None:
    from claimgraph.link.index import locality_order

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(8, 32))
    labels = rng.integers(0, 8, 4000)
    vectors = centres[labels] + rng.normal(scale=0.05, size=(4000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    order = locality_order(vectors)
    assert sorted(order.tolist()) == list(range(4000))
    # Neighbours in the new order are mostly from the same group; in the old, 1 in 8.
    same = np.mean(labels[order][1:] == labels[order][:-1])
    assert same > 0.9 > np.mean(labels[1:] == labels[:-1])
    # Too few rows to be worth it: left as they are.
    assert locality_order(vectors[:100]).tolist() == list(range(100))
