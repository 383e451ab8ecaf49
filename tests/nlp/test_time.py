"""Utterance dates: the date expression in the cue's clause, resolved against publication."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pipeline import DEFAULT_MODEL
from claimgraph.nlp.time import date_utterances, normalise_date

# Sentences of the bundled example article (Sputnik, published Saturday 2017-10-07).
PUBLISHED = "2017-10-07"
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


def make(text: str, cue: str, content: str) -> Attribution:
    c = text.index(cue)
    k = text.index(content)
    return Attribution(
        cue=(c, c + len(cue)), cue_lemma="say", content=[(k, k + len(content))], kind="indirect"
    )


def dated(
    nlp: Language, text: str, cue: str, content: str, published: str | None = PUBLISHED
) -> tuple[str, int, int] | None:
    doc = nlp(text)
    att = make(text, cue, content)
    date_utterances(doc, [att], published)
    return att.date


# ------------------------------------------------------------------------------ in context


def test_told_sputnik_on_friday(nlp: Language) -> None:
    date = dated(nlp, PENTAGON, "told", "any claims to the contrary are ridiculous")
    assert date == ("2017-10-06", 199, 205)
    assert PENTAGON[199:205] == "Friday"


def test_said_on_wednesday(nlp: Language) -> None:
    date = dated(nlp, MINISTRY, "said", "it had warned the United States")
    assert date == ("2017-10-04", 37, 46)
    assert MINISTRY[37:46] == "Wednesday"


def test_the_same_day_takes_the_previous_statements_date(nlp: Language) -> None:
    doc = nlp(MINISTRY)
    first = make(MINISTRY, "said", "it had warned the United States")
    second = make(MINISTRY, "denied", "complicity with Daesh in Syria")
    date_utterances(doc, [second, first], PUBLISHED)
    assert first.date == ("2017-10-04", 37, 46)
    assert second.date == ("2017-10-04", 319, 331)
    assert MINISTRY[319:331] == "The same day"


def test_the_same_day_without_an_earlier_date_is_none(nlp: Language) -> None:
    text = "The same day, the Pentagon denied complicity with Daesh in Syria."
    assert dated(nlp, text, "denied", "complicity with Daesh in Syria") is None


def test_weekday_of_publication_is_the_publication_day(nlp: Language) -> None:
    text = "The minister said on Saturday that talks would resume."
    assert dated(nlp, text, "said", "talks would resume") == ("2017-10-07", 21, 29)


def test_weekday_with_time_of_day(nlp: Language) -> None:
    text = "She said Thursday morning that the talks had failed."
    assert dated(nlp, text, "said", "the talks had failed") == ("2017-10-05", 9, 17)


def test_date_in_medium_phrase(nlp: Language) -> None:
    text = "She said in an interview with CNN on Thursday morning that the talks had failed."
    assert dated(nlp, text, "said", "the talks had failed") == ("2017-10-05", 37, 45)


def test_month_day_is_the_latest_not_after_publication(nlp: Language) -> None:
    text = "The minister said in a statement on September 28 that taxes would rise."
    assert dated(nlp, text, "said", "taxes would rise") == ("2017-09-28", 36, 48)
    text = "The minister said on November 3 that taxes would rise."
    assert dated(nlp, text, "said", "taxes would rise") == ("2016-11-03", 21, 31)
    assert text[21:31] == "November 3"


def test_explicit_date_needs_no_publication(nlp: Language) -> None:
    text = "He wrote on October 4, 2017 that the plan had failed."
    expected = ("2017-10-04", 12, 27)
    assert dated(nlp, text, "wrote", "the plan had failed", published=None) == expected
    assert text[12:27] == "October 4, 2017"


def test_weekday_without_publication_is_none(nlp: Language) -> None:
    assert dated(nlp, PENTAGON, "told", "any claims", published=None) is None


def test_yesterday(nlp: Language) -> None:
    text = "The company said yesterday that profits fell."
    assert dated(nlp, text, "said", "profits fell") == ("2017-10-06", 17, 26)


def test_date_inside_content_is_not_the_utterance_date(nlp: Language) -> None:
    text = "The ministry said that the attack happened on Tuesday."
    assert dated(nlp, text, "said", "the attack happened on Tuesday") is None


def test_date_of_another_clause_is_not_the_cues(nlp: Language) -> None:
    text = "The ministry said the town was safe, and the army left on Monday."
    assert dated(nlp, text, "said", "the town was safe") is None


def test_future_expressions_are_not_utterance_dates(nlp: Language) -> None:
    text = "The ministry will say next Friday whether taxes rise."
    assert dated(nlp, text, "say", "whether taxes rise") is None


# ------------------------------------------------------------------------------ normalise


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Friday", "2017-10-06"),
        ("Wednesday", "2017-10-04"),
        ("Saturday", "2017-10-07"),
        ("last Saturday", "2017-09-30"),
        ("Sunday", "2017-10-01"),
        ("Tues.", "2017-10-03"),
        ("Friday night", "2017-10-06"),
        ("today", "2017-10-07"),
        ("yesterday", "2017-10-06"),
        ("September 28", "2017-09-28"),
        ("Sept. 28", "2017-09-28"),
        ("28 September", "2017-09-28"),
        ("Oct. 12", "2016-10-12"),
        ("Friday, October 6", "2017-10-06"),
        ("October 4, 2017", "2017-10-04"),
        ("2017-10-04", "2017-10-04"),
        ("October 2017", "2017-10"),
        ("December", "2016-12"),
        ("last week", "2017-W39"),
        ("earlier this week", "2017-W40"),
        ("last month", "2017-09"),
        ("last year", "2016"),
        ("next Friday", None),
        ("tomorrow", None),
        ("the same day", None),
        ("", None),
    ],
)
def test_normalise_date(text: str, value: str | None) -> None:
    assert normalise_date(text, PUBLISHED) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Friday", None),
        ("yesterday", None),
        ("September 28", None),
        ("October 4, 2017", "2017-10-04"),
        ("4 October 2017", "2017-10-04"),
        ("2017", "2017"),
    ],
)
def test_normalise_date_without_publication(text: str, value: str | None) -> None:
    assert normalise_date(text, None) == value
    assert normalise_date(text, "not a date") == value
