"""Cue class, hedges and medium of hand-built attributions over parsed sentences."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pipeline import DEFAULT_MODEL
from claimgraph.nlp.qualifiers import cue_clause, hedge_phrases, qualify
from claimgraph.nlp.speakers import resolve_speakers
from claimgraph.nlp.time import date_utterances

# Sentences of the bundled example article (Sputnik, 2017-10-07).
PENTAGON = (
    "The aim of the US-led coalition in Syria is to fight Daesh terrorist group (ISIS, Islamic "
    "State, banned in Russia), any claims to the contrary are ridiculous, a Pentagon "
    "spokesperson told Sputnik on Friday commenting on a statement made by the Russian Defense "
    "Ministry, saying that the United States “supporting and flirting with” terrorists is the "
    "main obstacle for defeating them."
)
MINISTRY = (
    "The Russian Defense Ministry said on Wednesday that it had warned the United States that "
    "any allegedly attacks by terrorists from zone controlled by US forces would be repelled, "
    "adding a series of Daesh attacks against the Syrian forces have been carried out from the "
    "areas where the “US military mission” is deployed. The same day, the Pentagon denied "
    "complicity with Daesh in Syria."
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load(DEFAULT_MODEL)


def make(
    doc: Doc, cue: str, content: str, *, lemma: str, source: str | None = None, after: int = 0
) -> Attribution:
    """An attribution located by substrings (first occurrence at or after ``after``)."""
    text = doc.text
    c = text.index(cue, after)
    k = text.index(content, after)
    att = Attribution(
        cue=(c, c + len(cue)), cue_lemma=lemma, content=[(k, k + len(content))], kind="indirect"
    )
    if source is not None:
        s = text.index(source, after)
        att.source = (s, s + len(source))
    return att


def qualified(nlp: Language, text: str, cue: str, content: str, lemma: str) -> Attribution:
    doc = nlp(text)
    att = make(doc, cue, content, lemma=lemma)
    qualify(doc, [att])
    return att


def medium_text(text: str, att: Attribution) -> str | None:
    return None if att.medium is None else text[att.medium[0] : att.medium[1]]


# ------------------------------------------------------------------------------ medium


def test_told_outlet_is_the_medium(nlp: Language) -> None:
    content = "any claims to the contrary are ridiculous"
    att = qualified(nlp, PENTAGON, "told", content, "tell")
    assert att.medium == (188, 195)
    assert PENTAGON[188:195] == "Sputnik"
    assert att.cue_class == "assert"
    assert att.hedged is False


def test_told_reporters_is_no_medium_but_the_conference_is(nlp: Language) -> None:
    text = "The spokeswoman told reporters at a news conference that the deal was dead."
    att = qualified(nlp, text, "told", "the deal was dead", "tell")
    assert att.medium == (34, 51)
    assert medium_text(text, att) == "a news conference"


@pytest.mark.parametrize(
    ("text", "cue", "content", "medium"),
    [
        (
            "Trump said on Twitter that the report was fake.",
            "said",
            "the report was fake",
            "Twitter",
        ),
        (
            "The ministry said in a statement that taxes would rise.",
            "said",
            "taxes would rise",
            "a statement",
        ),
        (
            "She said in an interview with CNN on Thursday morning that the talks had failed.",
            "said",
            "the talks had failed",
            "an interview with CNN",
        ),
        (
            "He wrote in an op-ed in The Washington Post that the plan failed.",
            "wrote",
            "the plan failed",
            "an op-ed in The Washington Post",
        ),
        (
            "The ministry said in a press release posted on Telegram that it was attacked.",
            "said",
            "it was attacked",
            "a press release",
        ),
        (
            "Sen. John McCain told The New York Times on Tuesday that he was upset.",
            "told",
            "he was upset",
            "The New York Times",
        ),
        (
            "The governor told the Daily Caller that the bill was dead.",
            "told",
            "the bill was dead",
            "Daily Caller",
        ),
        (
            "The envoy said on Fox News that no deal was near.",
            "said",
            "no deal was near",
            "Fox News",
        ),
    ],
)
def test_medium_phrases(nlp: Language, text: str, cue: str, content: str, medium: str) -> None:
    lemma = {"said": "say", "told": "tell", "wrote": "write"}[cue]
    att = qualified(nlp, text, cue, content, lemma)
    assert medium_text(text, att) == medium
    assert att.medium is not None and att.medium[0] == text.index(medium)


def test_medium_inside_the_content_is_not_the_cues(nlp: Language) -> None:
    text = "The mayor said that the governor had announced the cuts in a statement on Twitter."
    att = qualified(
        nlp, text, "said", "the governor had announced the cuts in a statement on Twitter", "say"
    )
    assert att.medium is None


def test_no_medium_for_a_date(nlp: Language) -> None:
    att = qualified(nlp, MINISTRY, "said", "it had warned the United States", "say")
    assert att.medium is None


def test_clause_excludes_content_and_other_clauses(nlp: Language) -> None:
    doc = nlp(PENTAGON)
    att = make(doc, "told", "any claims to the contrary are ridiculous", lemma="tell")
    words = [doc[i].text for i in sorted(cue_clause(doc, att)) if not doc[i].is_punct]
    assert words == ["told", "Sputnik", "on", "Friday"]


# ------------------------------------------------------------------------------ negation


@pytest.mark.parametrize(
    ("text", "content", "negated"),
    [
        ("The ministry said the United States does not support terrorists.",
         "the United States does not support terrorists", True),
        ("Police said no one released the filings.", "no one released the filings", True),
        # the negation of a complement clause is what the content says
        ("Analysts said it means Trump never paid the tax.", "it means Trump never paid the tax",
         True),
        # a noun or a preposition opening the content holds its proposition in its clause
        ("Officials dismissed suggestions that he is not a billionaire.",
         "suggestions that he is not a billionaire", True),
        # a negated noun phrase corrects one, in any clause but a subordinate one
        ("A source said the Russians broached the idea of using a secure line between the Trump "
         "administration and Russia, not Kushner.",
         "the Russians broached the idea of using a secure line between the Trump "
         "administration and Russia, not Kushner", True),
        # subordinate clauses negate themselves, not the content
        ("Police said a dozen doctors have been killed because they wouldn't take part.",
         "a dozen doctors have been killed because they wouldn't take part", False),
        ("The mayor said the people who weren't here did the work.",
         "the people who weren't here did the work", False),
        ("Experts said the penalties for not disclosing assets are light.",
         "the penalties for not disclosing assets are light", False),
        # an idiom's negation asserts; no negation at all
        ("He said there is no doubt that the bridge is safe.",
         "there is no doubt that the bridge is safe", False),
        ("He said the bridge is safe.", "the bridge is safe", False),
        # only the first sentence of a quotation says what the source asserts or denies
        ("“The bridge is safe. It will not close,” he said.",
         "The bridge is safe. It will not close,", False),
    ],
)  # fmt: skip
def test_content_negation_is_read_from_the_parse(
    nlp: Language, text: str, content: str, negated: bool
) -> None:
    att = qualified(nlp, text, "said" if "said" in text else "dismissed", content, "say")
    assert att.content_negated is negated


# ------------------------------------------------------------------------------ hedges


def test_hedge_inside_content(nlp: Language) -> None:
    content = "it had warned the United States that any allegedly attacks by terrorists"
    att = qualified(nlp, MINISTRY, "said", content, "say")
    assert att.hedged is True


def test_hedge_in_cue_sentence_outside_content(nlp: Language) -> None:
    text = "The rebels reportedly said that the town had fallen."
    att = qualified(nlp, text, "said", "the town had fallen", "say")
    assert att.hedged is True


def test_hedge_in_another_sentence_does_not_count(nlp: Language) -> None:
    text = "The army said the town had fallen. Rebels allegedly fled to the hills."
    att = qualified(nlp, text, "said", "the town had fallen", "say")
    assert att.hedged is False


def test_claims_to_the_contrary_is_no_hedge(nlp: Language) -> None:
    content = "any claims to the contrary are ridiculous"
    att = qualified(nlp, PENTAGON, "told", content, "tell")
    assert att.hedged is False


def test_claimed_to_is_a_hedge(nlp: Language) -> None:
    text = "The group claimed to have downed a drone, the ministry said."
    att = qualified(nlp, text, "said", "The group claimed to have downed a drone", "say")
    assert att.hedged is True


def test_hedge_list_is_loaded() -> None:
    phrases = hedge_phrases()
    assert {"allegedly", "reportedly", "purportedly", "claimed to"} <= set(phrases)
    assert not any(p.startswith("#") for p in phrases)


# ------------------------------------------------------------------------------ cue class


def test_deny_class(nlp: Language) -> None:
    att = qualified(nlp, MINISTRY, "denied", "complicity with Daesh in Syria", "deny")
    assert att.cue_class == "deny"
    assert "negated" not in att.extra


def test_negated_deny_is_other(nlp: Language) -> None:
    text = "The senator did not deny that he met the envoy."
    att = qualified(nlp, text, "deny", "he met the envoy", "deny")
    assert att.cue_class == "other"
    assert att.extra["negated"] is True


def test_declined_to_confirm_is_other(nlp: Language) -> None:
    text = "The White House declined to confirm that the meeting took place."
    att = qualified(nlp, text, "confirm", "the meeting took place", "confirm")
    assert att.cue_class == "other"
    assert att.extra["negated"] is True


@pytest.mark.parametrize(
    ("text", "cue", "content", "lemma", "cls"),
    [
        (
            "Moscow accused Washington of arming the rebels.",
            "accused",
            "of arming the rebels",
            "accuse",
            "accuse",
        ),
        (
            "The agency warned that the storm would hit Florida.",
            "warned",
            "the storm would hit Florida",
            "warn",
            "warn",
        ),
        (
            "Trump wrote that the media was unfair.",
            "wrote",
            "the media was unfair",
            "write",
            "publish",
        ),
    ],
)
def test_lexicon_classes(
    nlp: Language, text: str, cue: str, content: str, lemma: str, cls: str
) -> None:
    assert qualified(nlp, text, cue, content, lemma).cue_class == cls


# ------------------------------------------------------------------------------ robustness

VOCAB = (
    'the a he she it they said told Sputnik on Friday Reuters allegedly “ ” " , . ; ( ) '
    "statement in interview with CNN Twitter September 28 2017 yesterday not deny Ministry "
    "spokesperson who which Pentagon Mr. Smith \n \n\n é 東京 - 's"
)
WORDS = st.one_of(st.sampled_from(VOCAB.split(" ")), st.text(max_size=8))


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(WORDS, min_size=0, max_size=40),
    spans=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), min_size=0, max_size=12),
    published=st.sampled_from([None, "2017-10-07", "1999-02-28", "garbage", ""]),
    lemma=st.sampled_from(["", "say", "tell", "deny", "according to", "x y z"]),
)
def test_never_raises_on_random_attributions(
    nlp: Language,
    words: list[str],
    spans: list[tuple[int, int]],
    published: str | None,
    lemma: str,
) -> None:
    doc = nlp(" ".join(words))
    n = len(doc.text)
    atts = []
    for i in range(0, len(spans) - 1, 2):
        (a, b), (c, d) = spans[i], spans[i + 1]
        a, b, c, d = (min(x, n) for x in (a, b, c, d))
        atts.append(
            Attribution(
                cue=(min(a, b), max(a, b)),
                cue_lemma=lemma,
                content=[(min(c, d), max(c, d))] if c != d else [],
                kind="indirect",
                source=(min(c, a), max(c, a)) if i % 4 == 0 else None,
            )
        )
    resolve_speakers(doc, atts)
    qualify(doc, atts)
    date_utterances(doc, atts, published)
    for att in atts:
        assert att.cue_class in ("assert", "deny", "accuse", "warn", "publish", "other")
        if att.medium is not None:
            assert 0 <= att.medium[0] < att.medium[1] <= n
        if att.date is not None:
            assert 0 <= att.date[1] < att.date[2] <= n
