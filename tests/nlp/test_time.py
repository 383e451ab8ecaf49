"""Utterance dates: the date expression in the cue's clause, resolved against publication."""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pipeline import DEFAULT_MODEL
from claimgraph.nlp.time import date_mentions, date_utterances, find_dates, normalise_date
from claimgraph.records import granularity_of

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
    # the expression is the text's date mention, time of day included (its value the day)
    assert dated(nlp, text, "said", "the talks had failed") == ("2017-10-05", 9, 25)
    assert text[9:25] == "Thursday morning"


def test_date_in_medium_phrase(nlp: Language) -> None:
    text = "She said in an interview with CNN on Thursday morning that the talks had failed."
    assert dated(nlp, text, "said", "the talks had failed") == ("2017-10-05", 37, 53)


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


def test_a_claims_date_is_the_texts_date_mention(nlp: Language) -> None:
    # the same normalisation as the document's dates: "mid-September" is its month …
    text = "The minister said in mid-September that taxes would rise."
    assert dated(nlp, text, "said", "taxes would rise") == ("2017-09", 21, 34)
    assert text[21:34] == "mid-September"
    # … and "the same day" the last date the text established, a statement's or not
    text = "On Monday the army shelled the town. The same day, the ministry said it was safe."
    assert dated(nlp, text, "said", "it was safe") == ("2017-10-02", 37, 49)
    assert text[37:49] == "The same day"


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


# ------------------------------------------------------------------- every date of the text


def dates_of(nlp: Language, text: str, published: str | None = PUBLISHED) -> list[tuple]:
    """(value, start, end, text) of every date ``find_dates`` finds."""
    return [(v, s, e, text[s:e]) for v, s, e in find_dates(nlp(text), published)]


def test_find_dates_weekday_defaults_to_the_past(nlp: Language) -> None:
    text = "A Pentagon spokesperson told Sputnik on Friday that the claims are ridiculous."
    assert dates_of(nlp, text) == [("2017-10-06", 40, 46, "Friday")]


def test_find_dates_an_age_or_a_term_is_no_date(nlp: Language) -> None:
    # spaCy tags "33-year-old" and "three-year" DATE; no piece of them is one.
    text = "A 33-year-old man who won a three-year term was arrested on Friday."
    assert dates_of(nlp, text) == [("2017-10-06", 60, 66, "Friday")]


def test_find_dates_a_month_that_is_a_name_is_no_date(nlp: Language) -> None:
    text = (
        "Prime Minister Theresa May spoke on Friday. May added that the March for Babies "
        "would go on in May."
    )
    assert dates_of(nlp, text) == [
        ("2017-10-06", 36, 42, "Friday"),
        ("2017-05", 95, 98, "May"),
    ]


def test_find_dates_on_tuesday_in_future_tense_content(nlp: Language) -> None:
    text = "The talks will resume on Tuesday in Geneva, the ministry said."
    assert dates_of(nlp, text) == [("2017-10-10", 25, 32, "Tuesday")]


def test_find_dates_next_tuesday(nlp: Language) -> None:
    text = "Lavrov said he would meet Tillerson next Tuesday."
    assert dates_of(nlp, text) == [("2017-10-10", 36, 48, "next Tuesday")]


def test_find_dates_month_day_takes_the_latest_year_not_after_publication(
    nlp: Language,
) -> None:
    text = "The ministry said on September 28 that the convoy had left Palmyra."
    assert dates_of(nlp, text) == [("2017-09-28", 21, 33, "September 28")]


def test_find_dates_month_day_in_future_tense_is_ahead(nlp: Language) -> None:
    text = "The ceasefire will expire on January 15, the envoy said."
    assert dates_of(nlp, text) == [("2018-01-15", 29, 39, "January 15")]


def test_find_dates_earlier_in_the_publication_month(nlp: Language) -> None:
    text = "Earlier in September, the coalition struck a convoy near Deir ez-Zor."
    assert dates_of(nlp, text, "2017-09-28") == [
        ("2017-09-01/2017-09-27", 0, 20, "Earlier in September")
    ]


def test_find_dates_mid_month_is_a_range(nlp: Language) -> None:
    text = "The offensive is expected to reach Raqqa by mid-October."
    assert dates_of(nlp, text) == [("2017-10-11/2017-10-20", 44, 55, "mid-October")]


def test_find_dates_modified_units_without_ranges_take_the_timeml_value(nlp: Language) -> None:
    text = "The offensive is expected to reach Raqqa by mid-October."
    assert find_dates(nlp(text), PUBLISHED, ranges=False) == [("2017-10", 44, 55)]


def test_stored_dates_keep_the_timeml_unit_and_the_narrower_range(nlp: Language) -> None:
    text = (
        "The offensive is expected to reach Raqqa by mid-October. Earlier this month, the "
        "ministry published pictures. The talks ended on Friday."
    )

    def at(words: str) -> tuple[int, int]:
        return text.index(words), text.index(words) + len(words)

    assert date_mentions(nlp(text), PUBLISHED) == [
        ("2017-10", *at("mid-October"), "2017-10-11/2017-10-20"),
        ("2017-10", *at("Earlier this month"), "2017-10-01/2017-10-06"),
        ("2017-10-06", *at("Friday"), None),
    ]


def test_find_dates_late_last_year(nlp: Language) -> None:
    text = "The group began to fall apart late last year after its leader was killed."
    assert dates_of(nlp, text) == [("2016-09-01/2016-12-31", 30, 44, "late last year")]


def test_find_dates_last_week_is_the_iso_week(nlp: Language) -> None:
    text = "The militants left the city last week, the ministry said."
    assert dates_of(nlp, text) == [("2017-W39", 28, 37, "last week")]


def test_find_dates_yesterday(nlp: Language) -> None:
    text = "The Pentagon denied the claim yesterday."
    assert dates_of(nlp, text) == [("2017-10-06", 30, 39, "yesterday")]


def test_find_dates_two_days_ago(nlp: Language) -> None:
    text = "Russian jets struck the area two days ago."
    assert dates_of(nlp, text) == [("2017-10-05", 29, 41, "two days ago")]


def test_find_dates_this_month(nlp: Language) -> None:
    text = "Aid deliveries have doubled this month."
    assert dates_of(nlp, text) == [("2017-10", 28, 38, "this month")]


def test_find_dates_the_same_day_after_on_wednesday(nlp: Language) -> None:
    assert dates_of(nlp, MINISTRY) == [
        ("2017-10-04", 37, 46, "Wednesday"),
        ("2017-10-04", 319, 331, "The same day"),
    ]


def test_find_dates_that_day_and_the_following_day(nlp: Language) -> None:
    text = (
        "The convoy reached Palmyra on Wednesday. That day, six soldiers were wounded. "
        "The following day, the army entered the city."
    )
    assert dates_of(nlp, text) == [
        ("2017-10-04", 30, 39, "Wednesday"),
        ("2017-10-04", 41, 49, "That day"),
        ("2017-10-05", 78, 95, "The following day"),
    ]


def test_find_dates_the_same_day_without_an_earlier_date_is_not_a_date(nlp: Language) -> None:
    assert dates_of(nlp, "The same day, the Pentagon denied complicity with Daesh.") == []


def test_find_dates_quarter_and_a_year_earlier(nlp: Language) -> None:
    text = "Sales rose 5% in the third quarter, compared with a year earlier."
    assert dates_of(nlp, text) == [
        ("2017-Q3", 17, 34, "the third quarter"),
        ("2016-Q3", 50, 64, "a year earlier"),
    ]


def test_find_dates_a_quarter_named_by_the_month_that_ends_it(nlp: Language) -> None:
    # (published 2017-10-07: the September quarter has ended, the December one has not)
    text = "GDP grew 0.8 per cent in the September quarter and 0.3 in the June quarter of 2016."
    sep, june = text.index("the September"), text.index("the June")
    assert dates_of(nlp, text) == [
        ("2017-Q3", sep, sep + 21, "the September quarter"),
        ("2016-Q2", june, june + 24, "the June quarter of 2016"),
    ]


def test_find_dates_explicit_date_needs_no_publication_date(nlp: Language) -> None:
    text = "The treaty was signed on Aug. 7, 1998, in Rome."
    assert dates_of(nlp, text, None) == [("1998-08-07", 25, 37, "Aug. 7, 1998")]
    assert dates_of(nlp, "The Pentagon denied the claim yesterday.", None) == []


_WORDS = st.sampled_from(
    [
        "on Friday", "next Tuesday", "The same day", "that day", "the following day",
        "earlier in September", "mid-October", "late last year", "last week", "this month",
        "the third quarter", "the March quarter", "a year earlier", "two days ago", "yesterday",
        "1998", "Jan. 14", "February 29", "fiscal 1989's", "year-end", "will", "said", "and", "to",
        ",", ".", "’s",
    ]
)  # fmt: skip


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=25),
    published=st.one_of(
        st.none(),
        st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
        st.text(max_size=12),
    ),
)
def test_find_dates_never_raises_and_offsets_are_valid(
    nlp: Language, words: list[str], published: str | None
) -> None:
    text = " ".join(words)
    for value, start, end in find_dates(nlp(text), published):
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip()
        assert granularity_of(value) is not None


def test_earlier_or_later_in_a_unit_without_publication_date_keeps_the_unit() -> None:
    # found by the whole-corpus run: "later in …" with no published date raised TypeError
    import datetime as dt

    from claimgraph.nlp.time import _narrow

    may = ("month", dt.date(2016, 5, 1))
    assert _narrow("later", may, None) == "2016-05"
    assert _narrow("earlier", may, None) == "2016-05"
    assert _narrow("later", may, dt.date(2016, 5, 10)) == "2016-05-11/2016-05-31"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a date that is moved, or looked ahead to, is the nearer of its two occurrences
        ("The partnership extended to Nov. 20 its offer for the shares.", "2017-11-20"),
        ("The regulator gave the bidder until mid-November to answer.", "2017-11-11/2017-11-20"),
        ("Officials gave no reason for the Jan. 14 deadline.", "2018-01-14"),
        ("The company is calling for the redemption on Dec. 7 of its shares.", "2017-12-07"),
        # … a weekday stays in the past ("the Tuesday deadline" was this week's)
        ("Shareholders tendered 99% of the shares by the Tuesday deadline.", "2017-10-03"),
        # … and a plain past clause keeps the past year
        ("The ministry said on November 20 that the convoy had left.", "2016-11-20"),
    ],
)
def test_find_dates_moved_or_awaited_dates_are_the_nearer(
    nlp: Language, text: str, value: str
) -> None:
    assert [d[0] for d in dates_of(nlp, text)] == [value]


def test_a_date_entity_takes_the_words_that_narrow_it(nlp: Language) -> None:
    from spacy.tokens import Span

    # the model sometimes marks "September" alone in "Earlier in September, …" (it does so in
    # the bundled example); the expression is the whole phrase, narrowed as such
    text = "Earlier in September, the ministry published pictures."
    doc = nlp(text)
    doc.ents = [Span(doc, 2, 3, "DATE")]
    found = [(v, text[s:e]) for v, s, e in find_dates(doc, "2017-09-28")]
    assert found == [("2017-09-01/2017-09-27", "Earlier in September")]
    doc = nlp("The vote was held in late March.")
    doc.ents = [Span(doc, 6, 7, "DATE")]
    assert [doc.text[s:e] for _, s, e in find_dates(doc, "2017-10-07")] == ["late March"]
    # a preposition alone is no part of it
    doc = nlp("The vote was held in March.")
    doc.ents = [Span(doc, 5, 6, "DATE")]
    assert [doc.text[s:e] for _, s, e in find_dates(doc, "2017-10-07")] == ["March"]
