"""The content pointer: for one cue the tagger found, where its content starts and ends.

The tagger (``claimgraph.nlp.tagger``) marks Content spans token by token without knowing
which cue a span belongs to, and a content's boundaries are what it gets wrong most
(PolNeAR dev, README). The pointer reads the tokens around one cue — the cue's sentence and
the ones before and after it in its paragraph — with the tagger's features (MiniLM vectors,
parse and rule symbols) plus where the cue is, and gives for every token the
log-probability that the cue's content starts there and that it ends there.

A content of one fragment is then re-decided between the two: among the spans that overlap
it and do not cross the cue, the one with the best sum of the pointer's start and end
log-probabilities and of the tagger's own score for that span as one Content span (its
max-marginal on the Content layer less the score of the layer's best sequence; 0 for the
tagger's own span) — a product of the two experts. The pointer is trained on the gold cues
of PolNeAR train by ``claimgraph train pointer`` (``claimgraph.eval.polnear_train``) and
saved beside the tagger as ``pointer.pt``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimgraph.nlp.attribution import content_kind
from claimgraph.nlp.model import Attribution
from claimgraph.nlp.tagger_features import char_span, sentence_marks, token_span

__all__ = [
    "DocContents",
    "PointerSettings",
    "SpanScores",
    "best_span",
    "build_pointer",
    "cue_window",
    "refine_contents",
]

_NEG = -1e9
# The roles of a token relative to the cue in the window: before it, in it, after it.
_BEFORE, _CUE, _AFTER = 0, 1, 2


@dataclass(frozen=True)
class PointerSettings:
    """Shape and training settings of the pointer (saved with it in ``meta.json``)."""

    before: int = 1  # sentences before the cue's read …
    after: int = 1  # … and after it, within its paragraph
    max_tokens: int = 200  # window cap, centred on the cue
    max_len: int = 150  # longest content (tokens) considered
    projection: int = 128
    hidden: int = 128
    layers: int = 2
    dropout: float = 0.3
    cue_dim: int = 16
    lr: float = 1e-3
    batch_size: int = 32
    epochs: int = 3
    seed: int = 0


def build_pointer(settings: PointerSettings, dim: int) -> Any:
    """The torch module (imported lazily); ``dim``: the width of the token vectors."""
    import torch
    from torch import nn

    from claimgraph.nlp.tagger import SYM_DIMS, SYM_SIZES

    class Pointer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embs = nn.ModuleList(
                nn.Embedding(n, d) for n, d in zip(SYM_SIZES, SYM_DIMS, strict=True)
            )
            self.cue = nn.Embedding(3, settings.cue_dim)
            self.proj = nn.Linear(dim, settings.projection)
            self.drop = nn.Dropout(settings.dropout)
            self.lstm = nn.LSTM(
                settings.projection + sum(SYM_DIMS) + settings.cue_dim,
                settings.hidden,
                num_layers=settings.layers,
                bidirectional=True,
                batch_first=True,
                dropout=settings.dropout if settings.layers > 1 else 0.0,
            )
            self.out = nn.Linear(2 * settings.hidden, 2)

        def forward(
            self, vec: torch.Tensor, sym: torch.Tensor, rel: torch.Tensor, lengths: torch.Tensor
        ) -> torch.Tensor:
            """Start and end scores, ``batch × tokens × 2`` (padding: -1e9)."""
            parts = [self.proj(vec), *(e(sym[..., i]) for i, e in enumerate(self.embs))]
            x = self.drop(torch.cat([*parts, self.cue(rel)], -1))
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths, batch_first=True, enforce_sorted=False
            )
            out, _ = self.lstm(packed)
            hidden, _ = nn.utils.rnn.pad_packed_sequence(
                out, batch_first=True, total_length=x.shape[1]
            )
            scores = self.out(self.drop(hidden))
            pad = torch.arange(x.shape[1])[None, :] >= lengths[:, None]
            return scores.masked_fill(pad[..., None], _NEG)

    return Pointer()


def cue_window(
    marks: tuple[np.ndarray, np.ndarray], cue: tuple[int, int], settings: PointerSettings
) -> tuple[int, int]:
    """The tokens the pointer reads for the cue tokens ``cue``: its sentence and
    ``settings.before``/``after`` sentences around it in its paragraph, at most
    ``max_tokens`` (centred on the cue when cut); ``marks``: the document's
    ``sentence_marks``."""
    sent, para = marks
    cs, ce = cue
    lo, hi = cs, ce
    while lo > 0 and sent[lo - 1] >= sent[cs] - settings.before and para[lo - 1] == para[cs]:
        lo -= 1
    while hi < len(sent) and sent[hi] <= sent[cs] + settings.after and para[hi] == para[cs]:
        hi += 1
    if hi - lo > settings.max_tokens:
        lo = max(lo, cs - settings.max_tokens // 2)
        hi = min(hi, lo + settings.max_tokens)
    return lo, hi


def batch_inputs(
    vectors: Sequence[np.ndarray],
    symbols: Sequence[np.ndarray],
    items: Sequence[tuple[int, tuple[int, int], tuple[int, int]]],
) -> tuple[Any, Any, Any, Any]:
    """Padded tensors for ``items`` = (document, cue tokens, window tokens)."""
    import torch

    width = max(hi - lo for _, _, (lo, hi) in items)
    n = len(items)
    vec = np.zeros((n, width, vectors[items[0][0]].shape[1]), dtype=np.float32)
    sym = np.zeros((n, width, symbols[items[0][0]].shape[1]), dtype=np.int64)
    rel = np.zeros((n, width), dtype=np.int64)
    for k, (d, (cs, ce), (lo, hi)) in enumerate(items):
        vec[k, : hi - lo] = vectors[d][lo:hi]
        sym[k, : hi - lo] = symbols[d][lo:hi]
        rel[k, cs - lo : ce - lo] = _CUE
        rel[k, ce - lo : hi - lo] = _AFTER
    lengths = torch.tensor([hi - lo for _, _, (lo, hi) in items])
    return torch.from_numpy(vec), torch.from_numpy(sym), torch.from_numpy(rel), lengths


def pointer_log_probs(
    module: Any,
    vectors: Sequence[np.ndarray],
    symbols: Sequence[np.ndarray],
    items: Sequence[tuple[int, tuple[int, int], tuple[int, int]]],
    batch: int = 64,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per item, the start and end log-probabilities over its window's tokens (windows of
    similar lengths run together: less padding)."""
    import torch

    order = sorted(range(len(items)), key=lambda k: items[k][2][1] - items[k][2][0])
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    with torch.inference_mode():
        for b in range(0, len(order), batch):
            ids = order[b : b + batch]
            scores = module(*batch_inputs(vectors, symbols, [items[k] for k in ids]))
            for row, k in enumerate(ids):
                lo, hi = items[k][2]
                lp = torch.log_softmax(scores[row, : hi - lo], 0).numpy().astype(np.float64)
                out[k] = (lp[:, 0], lp[:, 1])
    return [out[k] for k in range(len(items))]


class SpanScores:
    """The tagger's score for any span of a document as one Content span: the best score of
    its Content layer's log-probabilities ``content_lp`` (``n × 3``: O, B, I) with that span
    tagged B, I … I (any tags before it, O or B after it) less the layer's best score (the
    max-marginal, from one forward and one backward Viterbi pass under the BIO constraint).
    Each span the tagger decodes scores 0, and none scores more."""

    def __init__(self, content_lp: np.ndarray) -> None:
        lp = content_lp.astype(np.float64)
        n = len(lp)
        o, b, i = (lp[:, k].tolist() for k in range(3))
        # ahead: best of tokens 0..t with tag O/B/I at t; behind: best of t..n-1 from t's tag
        a_o, a_b, a_i = [0.0] * n, [0.0] * n, [0.0] * n
        a_o[0], a_b[0], a_i[0] = o[0], b[0], _NEG
        for t in range(1, n):
            best = max(a_o[t - 1], a_b[t - 1], a_i[t - 1])
            a_o[t], a_b[t] = best + o[t], best + b[t]
            a_i[t] = max(a_b[t - 1], a_i[t - 1]) + i[t]  # no I after O
        h_o, h_b, h_i = [0.0] * n, [0.0] * n, [0.0] * n
        h_o[-1], h_b[-1], h_i[-1] = o[-1], b[-1], i[-1]
        for t in range(n - 2, -1, -1):
            free = max(h_o[t + 1], h_b[t + 1])
            h_o[t] = o[t] + free
            h_b[t] = b[t] + max(free, h_i[t + 1])
            h_i[t] = i[t] + max(free, h_i[t + 1])
        top = max(a_o[-1], a_b[-1], a_i[-1])
        ahead = np.maximum(np.maximum(a_o, a_b), a_i)
        self.before = np.concatenate([[0.0], ahead[:-1]])  # best of the tokens before t
        self.after = np.append(np.maximum(h_o, h_b)[1:], 0.0) - top  # … after t, not I
        self.opens = lp[:, 1]
        self.inside = np.concatenate([[0.0], np.cumsum(lp[:, 2])])

    def window(self, lo: int, hi: int) -> np.ndarray:
        """``m[s, e]``: the score of the span from ``lo + s`` to ``lo + e`` (its last token)."""
        s = np.arange(lo, hi)
        return (self.before[s] + self.opens[s] - self.inside[s + 1])[:, None] + (
            self.inside[s + 1] + self.after[s]
        )[None, :]


def best_span(
    starts: np.ndarray,
    ends: np.ndarray,
    tagger: np.ndarray,
    cue: tuple[int, int],
    current: tuple[int, int],
    max_len: int,
    weight: float = 1.0,
) -> tuple[int, int] | None:
    """The span ``[s, e)`` (window positions) that maximises ``starts[s] + ends[e - 1] +
    weight × tagger[s, e - 1]`` (``SpanScores.window``), among those overlapping ``current``
    that neither start in the ``cue`` nor run across it and are at most ``max_len`` long."""
    n = len(starts)
    first = np.arange(n)[:, None]
    last = np.arange(n)[None, :]
    ok = (last >= first) & (last - first < max_len)
    ok &= (first < current[1]) & (last >= current[0])
    ok &= ~((first >= cue[0]) & (first < cue[1]))
    ok &= ~((first < cue[0]) & (last >= cue[0]))
    if not ok.any():
        return None
    total = starts[:, None] + ends[None, :]
    if weight:
        total = total + weight * tagger
    k = int(np.argmax(np.where(ok, total, -np.inf)))
    return k // n, k % n + 1


@dataclass
class DocContents:
    """One document's attributions and what the pointer and the tagger read of it."""

    attributions: list[Attribution]
    text: str
    starts: list[int]
    ends: list[int]
    vectors: np.ndarray
    symbols: np.ndarray
    content_lp: np.ndarray  # the tagger's Content layer, n × 3 (O, B, I)


def refine_contents(
    docs: Sequence[DocContents], module: Any, settings: PointerSettings
) -> list[list[Attribution]]:
    """Per document, its attributions with each one-fragment content re-decided by the
    pointer and the tagger together (see the module doc); the others unchanged. The windows
    of all the documents run through the pointer together."""
    from dataclasses import replace

    todo = []
    for d, doc in enumerate(docs):
        marks = sentence_marks(doc.symbols)
        for k, a in enumerate(doc.attributions):
            if len(a.content) != 1:
                continue
            cue = token_span(doc.starts, doc.ends, *a.cue)
            current = token_span(doc.starts, doc.ends, *a.content[0])
            if cue[0] >= cue[1] or current[0] >= current[1]:
                continue
            lo, hi = cue_window(marks, cue, settings)
            todo.append((d, k, cue, current, (min(lo, current[0]), max(hi, current[1]))))
    out = [list(doc.attributions) for doc in docs]
    if not todo:
        return out
    found = pointer_log_probs(module, [doc.vectors for doc in docs],
                              [doc.symbols for doc in docs],
                              [(d, cue, w) for d, _, cue, _, w in todo])  # fmt: skip
    taggers: dict[int, SpanScores] = {}
    for (d, k, cue, current, (lo, hi)), (s_lp, e_lp) in zip(todo, found, strict=True):
        doc = docs[d]
        if d not in taggers:
            taggers[d] = SpanScores(doc.content_lp)
        span = best_span(
            s_lp,
            e_lp,
            taggers[d].window(lo, hi),
            (cue[0] - lo, cue[1] - lo),
            (current[0] - lo, current[1] - lo),
            max(settings.max_len, current[1] - current[0]),  # (the tagger's own span: a candidate)
        )
        if span is None:
            continue
        a, b = char_span(doc.text, doc.starts, doc.ends, span[0] + lo, span[1] + lo)
        if b > a and [(a, b)] != out[d][k].content:
            out[d][k] = replace(out[d][k], content=[(a, b)], kind=content_kind(doc.text, [(a, b)]))
    return out
