"""The whole pipeline on open-ended input: never raises, every span indexes the text."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimgraph import extract
from claimgraph.nlp.pipeline import chunk_bounds

WORDS = [
    "the",
    "minister",
    "said",
    "told",
    "reporters",
    "that",
    "he",
    "she",
    "denied",
    "it",
    "according",
    "to",
    "Pentagon",
    "spokesperson",
    "claims",
    "were",
    "ridiculous",
    "on",
    "Friday",
    "allegedly",
    "warned",
    "urged",
    "voters",
    "to",
    "leave",
    ",",
    ".",
    ":",
    ";",
    "“",
    "”",
    '"',
    "'",
    "‘",
    "’",
    "''",
    "«",
    "»",
    "\n",
    "\n\n",
    "—",
    "(",
    ")",
    "Sputnik",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=80), st.sampled_from([None, "2017-10-07"]))
def test_random_text_with_random_quotes(words: list[str], published: str | None) -> None:
    text = " ".join(words)
    for claim in extract(text, published=published):
        spans = [claim.cue]
        spans += [s for s in (claim.source, claim.medium, claim.date) if s is not None]
        for span in spans:
            assert text[span.start : span.end] == span.text
        assert claim.content.fragments
        for s, e in claim.content.fragments:
            assert 0 <= s < e <= len(text)


def test_long_single_paragraph_is_cut_into_chunks_and_offsets_hold() -> None:
    sentence = "The minister said that taxes would rise. "
    text = sentence * 3000  # ~120k characters, over one chunk
    assert len(chunk_bounds(text)) > 1
    claims = extract(text)
    assert len(claims) == 3000
    for claim in claims:
        s, e = claim.content.fragments[0]
        assert text[s:e] == "that taxes would rise"


@given(st.text(max_size=3000), st.integers(min_value=50, max_value=400))
def test_chunks_cover_the_text_exactly(text: str, size: int) -> None:
    bounds = chunk_bounds(text, size)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    for (_, e1), (s2, _) in pairwise(bounds):
        assert e1 == s2
    assert all(e - s <= size for s, e in bounds)
