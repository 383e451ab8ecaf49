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

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimgraph.nlp.attribution import content_kind
from claimgraph.nlp.model import Attribution

__all__ = ["PointerSettings", "best_span", "build_pointer", "cue_window", "refine_contents"]

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
    symbols: np.ndarray, cue: tuple[int, int], settings: PointerSettings
) -> tuple[int, int]:
    """The tokens the pointer reads for the cue tokens ``cue``: its sentence and
    ``settings.before``/``after`` sentences around it in its paragraph, at most
    ``max_tokens`` (centred on the cue when cut)."""
    sent = np.cumsum(symbols[:, 4])
    para = np.cumsum(symbols[:, 5])
    cs, ce = cue
    lo, hi = cs, ce
    while lo > 0 and sent[lo - 1] >= sent[cs] - settings.before and para[lo - 1] == para[cs]:
        lo -= 1
    while hi < len(symbols) and sent[hi] <= sent[cs] + settings.after and para[hi] == para[cs]:
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
    """Per item, the start and end log-probabilities over its window's tokens."""
    import torch

    out: list[tuple[np.ndarray, np.ndarray]] = []
    with torch.inference_mode():
        for b in range(0, len(items), batch):
            chunk = items[b : b + batch]
            scores = module(*batch_inputs(vectors, symbols, chunk))
            for k, (_, _, (lo, hi)) in enumerate(chunk):
                lp = torch.log_softmax(scores[k, : hi - lo], 0).numpy()
                out.append((lp[:, 0].astype(np.float64), lp[:, 1].astype(np.float64)))
    return out


def _best_paths(lp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Viterbi scores under the BIO constraint (no I after O) for ``n × 3`` log-probs:
    ``ahead[i, t]``, the best of tokens 0..i with tag t at i, and ``behind[i, t]``, the best
    of tokens i..n-1 with tag t at i."""
    n = len(lp)
    trans = np.zeros((3, 3))
    trans[0, 2] = _NEG
    ahead = np.full((n, 3), _NEG)
    behind = np.full((n, 3), _NEG)
    ahead[0] = lp[0]
    ahead[0, 2] = _NEG
    for i in range(1, n):
        ahead[i] = (ahead[i - 1][:, None] + trans).max(0) + lp[i]
    behind[-1] = lp[-1]
    for i in range(n - 2, -1, -1):
        behind[i] = lp[i] + (trans + behind[i + 1][None, :]).max(1)
    return ahead, behind


def best_span(
    starts: np.ndarray,
    ends: np.ndarray,
    content_lp: np.ndarray,
    cue: tuple[int, int],
    current: tuple[int, int],
    max_len: int,
    weight: float = 1.0,
) -> tuple[int, int] | None:
    """The span ``[s, e)`` (window positions) that maximises ``starts[s] + ends[e - 1] +
    weight × tagger score``, among those overlapping ``current`` that neither start in the
    ``cue`` nor run across it. The tagger score of a span is the best score of the Content
    layer's log-probabilities ``content_lp`` (``n × 3``: O, B, I) with that span as one
    content (B, then I; any tags before it, O or B after it), less the layer's best score."""
    n = len(content_lp)
    lp = content_lp.astype(np.float64)
    ahead, behind = _best_paths(lp)
    top = ahead[-1].max()
    inside = np.concatenate([[0.0], np.cumsum(lp[:, 2])])
    after_best = np.where(
        np.arange(n) + 1 < n,
        np.maximum(behind[np.minimum(np.arange(n) + 1, n - 1), 0],
                   behind[np.minimum(np.arange(n) + 1, n - 1), 1]),
        0.0,
    )  # fmt: skip
    best: tuple[float, int, int] | None = None
    for s in range(min(n, current[1])):
        if cue[0] <= s < cue[1]:
            continue
        stop = min(n, s + max_len, cue[0] if s < cue[0] else n)
        last = np.arange(max(s, current[0]), stop)  # the span's last token
        if not len(last):
            continue
        before = ahead[s - 1].max() if s > 0 else 0.0
        tagger = before + lp[s, 1] + inside[last + 1] - inside[s + 1] + after_best[last] - top
        total = starts[s] + ends[last] + weight * tagger
        j = int(np.argmax(total))
        if best is None or total[j] > best[0]:
            best = (float(total[j]), s, int(last[j]))
    return None if best is None else (best[1], best[2] + 1)


def refine_contents(
    attributions: list[Attribution],
    text: str,
    starts: list[int],
    ends: list[int],
    vectors: np.ndarray,
    symbols: np.ndarray,
    content_lp: np.ndarray,
    module: Any,
    settings: PointerSettings,
) -> list[Attribution]:
    """``attributions`` with each one-fragment content re-decided by the pointer and the
    tagger together (see the module doc); the others unchanged."""
    from dataclasses import replace

    def tokens(span: tuple[int, int]) -> tuple[int, int]:
        return bisect.bisect_right(ends, span[0]), bisect.bisect_left(starts, span[1])

    todo = []
    for k, a in enumerate(attributions):
        if len(a.content) != 1:
            continue
        cue, current = tokens(a.cue), tokens(a.content[0])
        if cue[0] >= cue[1] or current[0] >= current[1]:
            continue
        lo, hi = cue_window(symbols, cue, settings)
        lo, hi = min(lo, current[0]), max(hi, current[1])
        todo.append((k, cue, current, (lo, hi)))
    if not todo:
        return attributions
    found = pointer_log_probs(module, [vectors], [symbols], [(0, c, w) for _, c, _, w in todo])
    out = list(attributions)
    for (k, cue, current, (lo, hi)), (s_lp, e_lp) in zip(todo, found, strict=True):
        span = best_span(
            s_lp,
            e_lp,
            content_lp[lo:hi],
            (cue[0] - lo, cue[1] - lo),
            (current[0] - lo, current[1] - lo),
            settings.max_len,
        )
        if span is None:
            continue
        a, b = starts[span[0] + lo], ends[span[1] + lo - 1]
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a and [(a, b)] != out[k].content:
            out[k] = replace(out[k], content=[(a, b)], kind=content_kind(text, [(a, b)]))
    return out
