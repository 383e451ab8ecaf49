"""The HNSW index against exact search on a small set."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from claimgraph.link.index import ClaimIndex, exact_neighbours


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
