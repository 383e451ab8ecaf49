"""Reported events in the outlet's own voice: which sentences become narrative records."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

import claimgraph
from claimgraph.nlp import components  # noqa: F401  (registers the Doc extensions)
from claimgraph.nlp.entities import link_entities
from claimgraph.nlp.model import Attribution
from claimgraph.nlp.narrative import find_narrative, speech_verbs
from claimgraph.nlp.pipeline import DEFAULT_MODEL
from claimgraph.records import Claim, Document

PUBLISHED = "2017-10-07"  # a Saturday


@pytest.fixture(scope="module")
def example() -> tuple[Document, list[Claim]]:
    return next(claimgraph.process([claimgraph.example_path()]))


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load(DEFAULT_MODEL)


def narrative(text: str, published: str | None = PUBLISHED) -> list[Claim]:
    return [c for c in claimgraph.extract(text, published=published) if c.kind == "narrative"]


# --------------------------------------------------------------------------- example article


def test_example_narrative_records(example: tuple[Document, list[Claim]]) -> None:
    document, claims = example
    events = [c for c in claims if c.kind == "narrative"]
    assert [c.cue.text for c in events] == ["left", "managed", "conducted"]
    rubkan = events[0]
    assert rubkan.content.text == (
        "On September 28, a group of 300 Daesh militants left the city of Rubkan moving in "
        "the direction of the city of Al-Qaryatayn in the Homs province"
    )
    assert rubkan.source is not None and rubkan.source.text == "Sputnik"  # the outlet
    assert rubkan.date is not None
    assert (rubkan.date.text, rubkan.date.value) == ("September 28", "2017-09-28")
    assert "Q2429253" in [t.entity_id for t in rubkan.targets]  # Daesh
    for c in events:
        s, e = c.content.fragments[0]
        assert document.text[s:e] == c.content.text
        assert document.text[c.cue.start : c.cue.end] == c.cue.text


def test_the_same_day_takes_the_date_before_it(example: tuple[Document, list[Claim]]) -> None:
    _, claims = example
    conducted = next(c for c in claims if c.kind == "narrative" and c.cue.text == "conducted")
    assert conducted.date is not None
    assert (conducted.date.text.lower(), conducted.date.value) == ("the same day", "2017-09-28")
    managed = next(c for c in claims if c.kind == "narrative" and c.cue.text == "managed")
    assert managed.date is None  # no date of its own


def test_a_sentence_that_holds_a_claim_is_not_narrated_again(
    example: tuple[Document, list[Claim]],
) -> None:
    document, claims = example
    # "… the Russian Defense Ministry published a batch of aerial pictures showing that the
    # Syrian Democratic Forces (SDF) and the US troops …": the rules' cue is "published", the
    # model's "showing"; either way the sentence is a claim, not a reported event.
    start = document.text.index("the Russian Defense Ministry published")
    end = document.text.index(".", document.text.index("aerial pictures"))
    inside = [c for c in claims if start <= c.cue.start < end]
    assert inside and all(c.kind == "indirect" for c in inside)
    denied = [c for c in claims if c.cue.text == "denied"]
    assert [c.kind for c in denied] == ["indirect"]


# --------------------------------------------------------------------------- other news


def test_event_with_weekday_date_and_places() -> None:
    (event,) = narrative(
        "Police arrested two men in central Paris on Tuesday after a car rammed into soldiers."
    )
    assert event.cue.text == "arrested"
    assert event.content.text == (
        "Police arrested two men in central Paris on Tuesday after a car rammed into soldiers"
    )
    assert event.date is not None and event.date.value == "2017-10-03"
    assert [t.entity_id for t in event.targets] == ["gpe:paris"]


def test_verb_group_and_no_date_without_publication() -> None:
    (event,) = narrative(
        "A series of Daesh attacks has been carried out from the areas near the border.",
        published=None,
    )
    assert event.cue.text == "has been carried out"
    assert event.cue.lemma == "carry"
    assert event.date is None


def test_fragments_split_at_line_breaks() -> None:
    text = "The militants left the city of Rubkan on September 28,\nmoving towards Al-Qaryatayn."
    (event,) = narrative(text)
    assert event.content.fragments == ((0, 54), (55, 82))
    assert [text[s:e] for s, e in event.content.fragments] == [
        "The militants left the city of Rubkan on September 28,",
        "moving towards Al-Qaryatayn",
    ]
    assert event.date is not None and event.date.value == "2017-09-28"


def test_headline_is_skipped_and_the_body_kept() -> None:
    events = narrative(
        "Police Arrest Two After Bank Robbery\n\n"
        "Police on Thursday arrested two men after a robbery at a bank in the city centre."
    )
    assert [(c.cue.text, c.date.value if c.date else None) for c in events] == [
        ("arrested", "2017-10-05")
    ]


def test_first_line_title_is_skipped() -> None:
    # (Not "The fund lowered its forecast": a forecast is the fund's claim about growth, and
    # the model, as PolNeAR, reads it as an attribution.)
    events = narrative(
        "Apple opens new store in Chicago.\n\nApple opened a new store in Chicago on Tuesday."
    )
    assert [c.cue.text for c in events] == ["opened"]


@pytest.mark.parametrize(
    "text",
    [
        "Should the government raise taxes on the rich this year?",  # question
        "Did the militants leave the city of Rubkan on September 28?",  # question
        "The government should raise taxes on the rich this year.",  # opinion
        "The coalition would have won the battle without the airstrikes.",  # conjecture
        "Trump wins the vote.",  # under five words
        "The war is a disaster for everyone involved in it.",  # copula, no event
        "I went to the store yesterday and bought three apples.",  # the writer's own story
        "Protesters gathered outside the embassy, the police said.",  # a claim
        "Warren grilled Stumpf for hours, as he explained in his memoir.",  # a report
        "The militants left the city in the night, as Stumpf explained earlier.",  # a report
        "People like Scott deserve better.",  # a state, no event
        "“The militants left the city and never came back to it.”",  # quoted
    ],
)
def test_not_an_event(text: str) -> None:
    assert narrative(text) == []


def test_speech_verbs_come_from_the_cue_lexicon() -> None:
    verbs = speech_verbs()
    assert {"say", "tell", "explain", "insist"} <= verbs
    assert not {"continue", "find", "leave"} & verbs


# --------------------------------------------------------------------------- robustness


VOCABULARY = (
    "On September 28 , the same day a group of 300 militants left the city Rubkan . ? "
    "should said “ ” \n \n\n Daesh Senate Passes Bill I"
)
WORDS = st.sampled_from(VOCABULARY.split(" "))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(WORDS | st.text(max_size=8), max_size=40),
    spans=st.lists(
        st.tuples(st.integers(-5, 300), st.integers(-5, 300), st.integers(-5, 300)),
        max_size=5,
    ),
    published=st.sampled_from([None, "2017-10-07", "not a date"]),
)
def test_find_narrative_never_raises(
    nlp: Language, words: list[str], spans: list[tuple[int, int, int]], published: str | None
) -> None:
    doc = nlp(" ".join(words))
    doc._.published = published
    atts = [
        Attribution(
            cue=(a, b),
            cue_lemma="say",
            content=[(b, c)],
            kind="indirect",
            source=(a, c) if a % 2 else None,
            medium=(c, a) if c % 3 == 0 else None,
            date=("2017-09-28", a, b) if b % 2 else None,
        )
        for a, b, c in spans
    ]
    link_entities(doc, atts)
    found = find_narrative(doc, atts)
    text = doc.text
    for att in found:
        assert att.kind == "narrative"
        assert all(0 <= s < e <= len(text) for s, e in att.content)
        assert not text[att.content[-1][1] - 1].isspace()
