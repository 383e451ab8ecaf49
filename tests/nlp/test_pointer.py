"""The content pointer's decoding (``claimgraph.nlp.pointer``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pointer import (
    DocContents,
    PointerSettings,
    SpanScores,
    best_span,
    cue_window,
    refine_contents,
)
from claimgraph.nlp.tagger import spans_of, viterbi
from claimgraph.nlp.tagger_features import sentence_marks


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 14), seed=st.integers(0, 10_000))
def test_the_taggers_own_spans_score_best_under_the_tagger_alone(n: int, seed: int) -> None:
    # The tagger's score of a span is its max-marginal less the best path: 0 for each span
    # of the Viterbi path, and nothing scores higher. So with a pointer that says nothing,
    # each span the tagger decodes is found again from itself.
    lp = np.log(np.random.default_rng(seed).dirichlet(np.ones(3), size=n))
    zeros = np.zeros(n)
    for span in spans_of(viterbi(lp)):
        got = best_span(zeros, zeros, SpanScores(lp).window(0, n), (n, n), span, max_len=n)
        assert got == span


def test_the_pointer_alone_never_starts_in_the_cue_nor_runs_across_it() -> None:
    n = 8
    starts = np.log(np.full(n, 1 / n))
    ends = np.log(np.full(n, 1 / n))
    starts[3], ends[6] = 0.0, 0.0  # it would like tokens 3–6, across the cue at 4–5
    got = best_span(starts, ends, np.zeros((n, n)), (4, 6), (0, n), max_len=n, weight=0.0)
    assert got is not None
    s, e = got
    assert not (4 <= s < 6) and not (s < 4 < e)


def test_the_tagger_weighs_in_where_the_pointer_hesitates() -> None:
    # The pointer is torn between ending at token 4 and token 6; the tagger marks 2–6.
    n = 8
    starts = np.log(np.full(n, 1e-3))
    starts[2] = 0.0
    ends = np.log(np.full(n, 1e-3))
    ends[4] = ends[6] = np.log(0.5)
    lp = np.log(np.full((n, 3), 0.05))
    lp[:, 0] = np.log(0.9)  # O …
    lp[2] = np.log([0.05, 0.9, 0.05])  # … B at 2, I to 6
    lp[3:7] = np.log([0.05, 0.05, 0.9])
    got = best_span(starts, ends, SpanScores(lp).window(0, n), (0, 1), (2, 5), max_len=n)
    assert got == (2, 7)


def _symbols(sentences: list[int], paragraphs: list[int]) -> np.ndarray:
    sym = np.zeros((len(sentences), 9), dtype=np.int64)
    sym[:, 4] = sentences
    sym[:, 5] = paragraphs
    return sym


def test_the_window_is_the_cues_sentence_and_its_neighbours_in_its_paragraph() -> None:
    # sentences start at 0, 3, 6, 9; a paragraph starts at 9
    sym = _symbols([1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
    marks = sentence_marks(sym)
    assert cue_window(marks, (4, 5), PointerSettings()) == (0, 9)
    assert cue_window(marks, (7, 8), PointerSettings()) == (3, 9)  # not into the next paragraph
    assert cue_window(marks, (7, 8), PointerSettings(max_tokens=4)) == (5, 9)


def test_refined_contents_overlap_the_old_ones_and_leave_the_cue_alone() -> None:
    pytest.importorskip("torch")
    import torch

    from claimgraph.nlp.pointer import build_pointer

    text = "Officials said that the road would reopen soon, and “it will be safe,” they added."
    words = text.replace(",", " ,").replace("“", "“ ").replace("”", " ”").split()
    starts, ends, at = [], [], 0
    for w in words:
        at = text.index(w, at)
        starts.append(at)
        ends.append(at + len(w))
        at += len(w)
    n = len(words)
    settings = PointerSettings()
    torch.manual_seed(0)
    module = build_pointer(settings, 6)
    module.eval()
    one = Attribution(cue=(10, 14), cue_lemma="say", content=[(15, 46)], kind="indirect")
    two = Attribution(cue=(71, 76), cue_lemma="add", content=[(49, 61), (62, 69)], kind="direct")
    sym = _symbols([1] + [0] * (n - 1), [1] + [0] * (n - 1))
    vectors = np.random.default_rng(0).normal(size=(n, 6)).astype(np.float32)
    lp = np.log(np.full((n, 3), 1 / 3))
    doc = DocContents([one, two], text, starts, ends, vectors, sym, lp)
    empty = DocContents([], text, starts, ends, vectors, sym, lp)
    none, out = refine_contents([empty, doc], module, settings)
    assert none == []
    assert out[1] is two  # two fragments: left as they are
    ((s, e),) = out[0].content
    assert s < 46 and e > 15  # overlaps the old content …
    assert e <= 10 or s >= 14  # … and not the cue
    assert out[0].kind in ("direct", "indirect", "mixed") and out[0].cue == one.cue


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 9), seed=st.integers(0, 10_000))
def test_span_scores_are_max_marginals_by_brute_force(n: int, seed: int) -> None:
    # Every tag sequence of a short layer, enumerated: the best one holding each span as a
    # content (B, I … I, then not I), less the best one of all.
    from itertools import pairwise, product

    lp = np.log(np.random.default_rng(seed).dirichlet(np.ones(3), size=n))
    paths = [
        p
        for p in product(range(3), repeat=n)
        if p[0] != 2 and not any(a == 0 and b == 2 for a, b in pairwise(p))
    ]
    value = {p: sum(lp[t, tag] for t, tag in enumerate(p)) for p in paths}
    top = max(value.values())
    got = SpanScores(lp).window(0, n)
    for s in range(n):
        for e in range(s, n):
            holding = [
                v
                for p, v in value.items()
                if p[s] == 1
                and all(t == 2 for t in p[s + 1 : e + 1])
                and (e + 1 == n or p[e + 1] != 2)
            ]
            assert got[s, e] == pytest.approx(max(holding) - top)


def test_a_content_longer_than_the_pointers_limit_stays_whole() -> None:
    pytest.importorskip("torch")
    import torch

    from claimgraph.nlp.pointer import build_pointer

    text = "He said the plan would cost far more than anyone had said"
    words = text.split(" ")
    starts = [text.index(w, sum(len(x) + 1 for x in words[:i])) for i, w in enumerate(words)]
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]
    n = len(words)
    settings = PointerSettings(max_len=3)
    module = build_pointer(settings, 4)
    with torch.no_grad():  # a pointer with no opinion: every start and end alike
        module.out.weight.zero_()
        module.out.bias.zero_()
    module.eval()
    lp = np.log(np.full((n, 3), 0.05))
    lp[:, 0] = np.log(0.9)
    lp[2] = np.log([0.05, 0.9, 0.05])  # the tagger: "the plan … had said", 10 tokens
    lp[3:] = np.log([0.05, 0.05, 0.9])
    said = Attribution(cue=(3, 7), cue_lemma="say", content=[(8, len(text))], kind="indirect")
    sym = _symbols([1] + [0] * (n - 1), [1] + [0] * (n - 1))
    vectors = np.zeros((n, 4), dtype=np.float32)
    ((out,),) = refine_contents([DocContents([said], text, starts, ends, vectors, sym, lp)],
                                module, settings)  # fmt: skip
    assert out.content == [(8, len(text))]
