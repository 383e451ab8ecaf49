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

Building is the largest share of a ``link`` run at 100k claims, so the index is saved next
to the database (``claims.db.hnsw`` and its description ``claims.db.hnsw.json``) and an
incremental run only adds the new vectors. A saved index is used only when it matches the
stored vectors: same model and dimension, same HNSW settings, and a checksum of the claim
ids and vectors of the rows it holds (``Fingerprint``); anything else (claims deleted,
vectors of another model, a file from an older run) rebuilds it from the database.

M=16 / efConstruction=100 (was 200) was chosen by measured recall@10 on 20k PolNeAR claim
vectors (``benchmarks/linking.py ann``, efSearch=64): 200 → 0.997 in 5.7 s, 100 → 0.994
in 3.2 s, 64 → 0.979 in 1.1 s; M=12 / 100 → 0.984.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from claimgraph.link.embed import require

__all__ = ["ClaimIndex", "Fingerprint", "exact_neighbours", "locality_order", "open_index"]

# HNSW settings: M links per node and the candidate list sizes when building and searching.
# Measured on PolNeAR vectors (see the module docstring): recall@10 0.994 at ef=64.
M = 16
EF_CONSTRUCTION = 100
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

    @classmethod
    def load(cls, path: Path, dim: int, capacity: int) -> ClaimIndex:
        """The index saved at ``path``, with room for ``capacity`` rows."""
        index = cls.__new__(cls)
        hnswlib = require("hnswlib")
        index.dim = dim
        index._index = hnswlib.Index(space="ip", dim=dim)
        index._index.load_index(str(path), max_elements=max(capacity, 1))
        index._index.set_ef(EF_SEARCH)
        return index

    def save(self, path: Path) -> None:
        """Write the index to ``path`` (through a temporary file, so a crash leaves the old
        file or the new one, never half of one)."""
        tmp = path.with_name(path.name + ".tmp")
        self._index.save_index(str(tmp))
        os.replace(tmp, path)

    def __len__(self) -> int:
        return int(self._index.get_current_count())

    def add(self, vectors: np.ndarray, *, start: int) -> None:
        """Add rows labelled ``start``, ``start + 1`` …, growing the index when needed."""
        if not len(vectors):
            return
        needed = start + len(vectors)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        # Inserted in locality order (labels unchanged): see ``locality_order``.
        order = locality_order(vectors)
        self._index.add_items(vectors[order], start + order)

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


def locality_order(vectors: np.ndarray, *, centroids: int = 256, seed: int = 0) -> np.ndarray:
    """The rows of ``vectors`` reordered so that similar rows come together: grouped by
    the nearest of ``centroids`` centres (a few k-means steps on a sample; linear in N).

    HNSW keeps its vectors and links in insertion order, and inserting or searching a row
    reads the rows near it. Once the index outgrows the CPU cache (about 20k vectors of
    384 floats on a 32 MB L3), rows that are near in vector space but far apart in memory
    cost a cache miss each, which made building and searching 100k claims take 21 times
    as long as 10k. Inserting and searching in this order keeps what one step reads close
    to what the step before read (``benchmarks/linking.py scale``; cf. Coleman et al.,
    "Graph reordering for cache-efficient near neighbor search", 2021)."""
    n = len(vectors)
    if n < 4 * centroids:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    sample = vectors[rng.choice(n, min(n, 20 * centroids), replace=False)]
    centres = sample[rng.choice(len(sample), centroids, replace=False)].copy()
    for _ in range(5):
        nearest = np.argmax(sample @ centres.T, axis=1)
        for j in np.unique(nearest):
            centres[j] = sample[nearest == j].mean(axis=0)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True) + 1e-12
    step = 8192
    groups = np.concatenate(
        [np.argmax(vectors[i : i + step] @ centres.T, axis=1) for i in range(0, n, step)]
    )
    return np.argsort(groups, kind="stable")


class Fingerprint:
    """A running checksum of the rows of an index: claim ids and vector bytes, in row order.

    ``copy()`` lets a caller check a prefix (the rows a saved index holds) and go on hashing
    the rest without reading the prefix twice."""

    def __init__(self) -> None:
        self._ids = hashlib.blake2b(digest_size=16)
        self._vectors = hashlib.blake2b(digest_size=16)
        self.count = 0

    def update(self, ids: list[str], vectors: np.ndarray) -> Fingerprint:
        self._ids.update("\n".join(ids).encode() + b"\n")
        self._vectors.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
        self.count += len(ids)
        return self

    def copy(self) -> Fingerprint:
        other = Fingerprint()
        other._ids, other._vectors, other.count = self._ids.copy(), self._vectors.copy(), self.count
        return other

    def hexdigest(self) -> str:
        return self._ids.hexdigest() + self._vectors.hexdigest()


def _describe(model: str, dim: int, fingerprint: Fingerprint) -> dict[str, Any]:
    checksum = fingerprint.hexdigest()
    return {"model": model, "dim": dim, "count": fingerprint.count, "checksum": checksum,
            "M": M, "ef_construction": EF_CONSTRUCTION}  # fmt: skip


def open_index(
    path: Path | None, model: str, ids: list[str], matrix: np.ndarray
) -> tuple[ClaimIndex, dict[str, Any]]:
    """An index of every row of ``matrix``: the one saved at ``path`` when it matches the
    first rows (then only the rows after them are added), else a new one; saved back to
    ``path``. Returns the index and what was done (``{"reused": rows, "added": rows}``)."""
    dim = matrix.shape[1]
    meta_path = path.with_name(path.name + ".json") if path is not None else None
    saved: dict[str, Any] = {}
    if meta_path is not None and meta_path.exists() and path is not None and path.exists():
        try:
            saved = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
    count = saved.get("count")
    index = None
    fingerprint = Fingerprint()
    if (
        isinstance(count, int)
        and 0 < count <= len(ids)
        and {k: saved.get(k) for k in ("model", "dim", "M", "ef_construction")}
        == {"model": model, "dim": dim, "M": M, "ef_construction": EF_CONSTRUCTION}
    ):
        fingerprint.update(ids[:count], matrix[:count])
        if fingerprint.hexdigest() == saved.get("checksum"):
            try:
                assert path is not None
                index = ClaimIndex.load(path, dim, len(ids))
            except (OSError, RuntimeError):
                index = None
            if index is not None and len(index) != count:
                index = None
    if index is None:
        reused = 0
        fingerprint = Fingerprint()
        index = ClaimIndex(dim, len(ids))
    else:
        reused = count
    index.add(matrix[reused:], start=reused)
    fingerprint.update(ids[reused:], matrix[reused:])
    if path is not None and len(ids) > reused:
        try:
            index.save(path)
            tmp = meta_path.with_name(meta_path.name + ".tmp")  # type: ignore[union-attr]
            tmp.write_text(json.dumps(_describe(model, dim, fingerprint)), encoding="utf-8")
            os.replace(tmp, meta_path)  # type: ignore[arg-type]
        except OSError:
            pass  # a read-only directory: the index is rebuilt next time, nothing is lost
    return index, {"reused": reused, "added": len(ids) - reused}


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
