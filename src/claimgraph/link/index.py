"""Approximate nearest neighbours over claim vectors (HNSW, from ``hnswlib``).

Chosen by measurement (``benchmarks/linking.py ann``, 20k PolNeAR claim vectors, 1000
queries, k=10, M=16, efConstruction=200, efSearch=64, on this 2-core machine under load):

    library                  build s   query ms (1000)   recall@10
    hnswlib 0.8                 6.8         147            0.997
    faiss-cpu 1.15 HNSWFlat     9.6         188            0.980
    usearch 2.26                11.8        359            0.996
    exact numpy matmul           —          991            1

hnswlib is the fastest to build and to query at the best recall, has incremental
``add_items`` / ``resize_index`` and no other dependency than numpy. Inner product on unit
vectors is the cosine.

The index is rebuilt from the stored vectors at each ``link`` run rather than persisted:
a rebuilt index can never disagree with the database (deleted claims, another model's
vectors), and building is a minor share of a run (see ``benchmarks/linking.py scale``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from claimgraph.link.embed import require

__all__ = ["ClaimIndex", "exact_neighbours"]

# HNSW settings: M links per node and the candidate list sizes when building and searching.
# M=16 / ef_construction=200 are hnswlib's recommended values for recall > 0.95; ef=64 at
# query time gives recall@10 ≈ 0.99 on PolNeAR vectors (measured).
M = 16
EF_CONSTRUCTION = 200
EF_SEARCH = 64


class ClaimIndex:
    """An HNSW index of unit vectors; rows are addressed by their position (0 … n-1)."""

    def __init__(self, dim: int, capacity: int) -> None:
        hnswlib = require("hnswlib")
        self.dim = dim
        self._index: Any = hnswlib.Index(space="ip", dim=dim)
        self._index.init_index(
            max_elements=max(capacity, 1), ef_construction=EF_CONSTRUCTION, M=M, random_seed=0
        )
        self._index.set_ef(EF_SEARCH)

    @classmethod
    def build(cls, vectors: np.ndarray) -> ClaimIndex:
        """An index of ``vectors`` (row i gets label i)."""
        index = cls(vectors.shape[1], len(vectors))
        index.add(vectors, start=0)
        return index

    def __len__(self) -> int:
        return int(self._index.get_current_count())

    def add(self, vectors: np.ndarray, *, start: int) -> None:
        """Add rows labelled ``start``, ``start + 1`` …, growing the index when needed."""
        if not len(vectors):
            return
        needed = start + len(vectors)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        self._index.add_items(vectors, np.arange(start, needed))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest rows of each query: ``(labels, cosines)``, best first."""
        k = min(k, len(self))
        if k == 0 or not len(queries):
            empty = np.empty((len(queries), 0))
            return empty.astype(np.int64), empty.astype(np.float32)
        # The candidate list must hold at least k items.
        self._index.set_ef(max(EF_SEARCH, k))
        labels, distances = self._index.knn_query(queries, k=k)
        # hnswlib's "ip" distance is 1 - inner product.
        return labels.astype(np.int64), (1.0 - distances).astype(np.float32)


def exact_neighbours(
    vectors: np.ndarray, queries: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force ``k`` nearest rows (for checking the index; quadratic)."""
    scores = queries @ vectors.T
    k = min(k, vectors.shape[0])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
    labels = np.take_along_axis(top, order, axis=1)
    return labels, np.take_along_axis(scores, labels, axis=1)
