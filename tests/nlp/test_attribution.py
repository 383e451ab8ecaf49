"""Attribution rules on real news sentences, with exact spans."""

from __future__ import annotations

import pytest

from claimgraph import extract
from claimgraph.records import Claim


@pytest.fixture(autouse=True, scope="module")
def _rules_only() -> object:
    """These tests are about the attribution rules, so they run without the learned tagger
    (tests/nlp/test_tagger.py covers it)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAIMGRAPH_ATTRIBUTION", "rules")
        yield


def parts(claim: Claim, text: str) -> tuple[str | None, str, list[str]]:
    source = text[claim.source.start : claim.source.end] if claim.source else None
    return (
        source,
        text[claim.cue.start : claim.cue.end],
        [text[s:e] for s, e in claim.content.fragments],
    )


def attributions(text: str) -> list[Claim]:
    """The attributions of ``text`` (narrative records are the outlet's own reports)."""
    return [c for c in extract(text) if c.kind != "narrative"]


def only(text: str) -> tuple[str | None, str, list[str], str]:
    claims = attributions(text)
    assert len(claims) == 1, [c.to_dict() for c in claims]
    return (*parts(claims[0], text), claims[0].kind)


def test_quote_before_cue() -> None:
    text = "“We were there under legitimate pretenses,” she said."
    assert only(text) == ("she", "said", ["“We were there under legitimate pretenses,”"], "direct")


def test_split_quote_is_one_content_in_two_fragments() -> None:
    text = "“I haven’t heard anything,” she said, “but that doesn’t mean it isn’t true.”"
    assert only(text) == (
        "she",
        "said",
        ["“I haven’t heard anything,”", "“but that doesn’t mean it isn’t true.”"],
        "direct",
    )


def test_quote_continued_in_next_sentence() -> None:
    text = "“We’ll be here for a while yet,” she said. “These cases take a lot of patience.”"
    assert only(text) == (
        "she",
        "said",
        ["“We’ll be here for a while yet,”", "“These cases take a lot of patience.”"],
        "direct",
    )


def test_quote_continued_in_next_paragraph() -> None:
    text = (
        "“Before long, we’ll run out of personnel to cover the region,” said Mr. Dunlap.\n\n"
        "“I warned them years ago, but nothing. It’s irresponsible.”"
    )
    source, cue, content, kind = only(text)
    assert (source, cue, kind) == ("Mr. Dunlap", "said", "direct")
    assert content == [
        "“Before long, we’ll run out of personnel to cover the region,”",
        "“I warned them years ago, but nothing. It’s irresponsible.”",
    ]


KING = (
    "\"People say, 'It doesn't matter because Hillary Clinton will get 90 percent of the "
    "African-American vote,'\" said Charlie King, a prominent New York Democrat. "
    "\"The question is, 'Ninety percent of what?' Turnout makes a difference.\"\n\n"
    "With 50 days until the election, Minyon Moore, a senior adviser to the Clinton campaign, "
    'called Mr. Obama\'s remarks on Saturday "a true wake-up call" to his coalition of supporters.'
)


def test_quote_continued_after_a_long_source_when_the_parser_runs_past_the_paragraph() -> None:
    # (the parser's sentence holding the closing mark runs on into the next paragraph, up to
    # "called"; the quote's sentence ends with its paragraph all the same)
    claims = [c for c in attributions(KING) if c.cue.text == "said"]
    assert len(claims) == 1
    assert parts(claims[0], KING)[2] == [
        "\"People say, 'It doesn't matter because Hillary Clinton will get 90 percent of the "
        "African-American vote,'\"",
        "\"The question is, 'Ninety percent of what?' Turnout makes a difference.\"",
    ]


def test_a_quoted_section_heading_is_no_continuation() -> None:
    text = (
        '"These are strange days," said Bill Raney, a miner in Logan County. "I know what '
        'he says the plan is. But I am skeptical he can pull it off."\n\n'
        "'Legend in the Coal Fields.'\n\n"
        "Mr. Raney has worked underground for thirty years."
    )
    claims = [c for c in attributions(text) if c.cue.text == "said"]
    assert len(claims) == 1
    assert parts(claims[0], text)[2] == [
        '"These are strange days,"',
        '"I know what he says the plan is. But I am skeptical he can pull it off."',
    ]


def _said(text: str) -> list[str]:
    claims = [c for c in attributions(text) if c.cue.text == "said"]
    assert len(claims) == 1, [c.to_dict() for c in claims]
    return parts(claims[0], text)[2]


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (  # (HuffPost, 2016-10-07) past a participle's clause: from "said", not "emphasizing"
            "“You can’t talk about change if you don’t know what we’re changing,” DuVernay "
            "said, emphasizing why understanding our past is crucial. “What we need to change "
            "is our overall collective thinking about this moment.”",
            [
                "“You can’t talk about change if you don’t know what we’re changing,”",
                "“What we need to change is our overall collective thinking about this moment.”",
            ],
        ),
        (  # (USA Today, 2016-09-23) in the same sentence, after a phrase between commas
            '"I think Lester Holt will be very fair," Trump said during a rally in '
            'Kenansville, N.C., "but a lot of people are going to be watching to see if '
            "that's true.\"",
            [
                '"I think Lester Holt will be very fair,"',
                '"but a lot of people are going to be watching to see if that\'s true."',
            ],
        ),
    ],
)
def test_quote_goes_on_from_the_quoted_attribution(text: str, fragments: list[str]) -> None:
    assert _said(text) == fragments


def test_a_quote_right_after_another_cues_object_does_not_go_on_from_the_first() -> None:
    # (Breitbart, 2016-09-28) the second quotation is what she asks, not more of the song line
    text = (
        "“Promise mama you’ll keep your hands in sight,” Blige sings to Clinton before asking "
        "her, “I just want to know, where do we go from here?”"
    )
    for claim in attributions(text):
        fragments = parts(claim, text)[2]
        assert not (
            "“Promise mama you’ll keep your hands in sight,”" in fragments
            and "“I just want to know, where do we go from here?”" in fragments
        ), fragments


def test_that_clause_with_weekday() -> None:
    text = "The Russian Defense Ministry said on Wednesday that it had warned the United States."
    assert only(text) == (
        "The Russian Defense Ministry",
        "said",
        ["that it had warned the United States"],
        "indirect",
    )


def test_according_to() -> None:
    text = "According to the report, 53% of people are suspicious of pickles."
    assert only(text) == (
        "the report",
        "According to",
        ["53% of people are suspicious of pickles"],
        "indirect",
    )


def test_sentence_final_cue() -> None:
    text = (
        "Secret Service protocol called for the nominee to be taken to a trauma center, "
        "sources said."
    )
    assert only(text) == (
        "sources",
        "said",
        ["Secret Service protocol called for the nominee to be taken to a trauma center"],
        "indirect",
    )


def test_colon_introducing_a_quote_is_part_of_the_cue() -> None:
    text = "The governor said: “Don’t make me come over there!”"
    assert only(text) == ("The governor", "said:", ["“Don’t make me come over there!”"], "direct")


def test_recipient_is_not_content() -> None:
    text = "The senator told reporters that the bill would pass."
    assert only(text) == ("The senator", "told", ["that the bill would pass"], "indirect")


def test_object_of_urge_is_content() -> None:
    text = "The mayor urged residents to stay indoors."
    assert only(text) == ("The mayor", "urged", ["residents to stay indoors"], "indirect")


def test_mixed_quote() -> None:
    text = "The Pentagon said it would prevent “unnecessary conflict.”"
    assert only(text) == (
        "The Pentagon",
        "said",
        ["it would prevent “unnecessary conflict.”"],
        "mixed",
    )


def test_only_the_outermost_attribution_is_kept() -> None:
    text = "Reardon criticized Mr. Lamport for saying that a minimum wage is bad for business."
    source, cue, content, _ = only(text)
    assert (source, cue) == ("Reardon", "criticized")
    assert content == ["Mr. Lamport for saying that a minimum wage is bad for business"]


def test_participle_report_is_its_own_claim() -> None:
    text = (
        "The ministry said that it had warned the United States, adding that the attacks "
        "came from areas held by US forces."
    )
    claims = attributions(text)
    assert [parts(c, text) for c in claims] == [
        ("The ministry", "said", ["that it had warned the United States"]),
        ("it", "adding", ["that the attacks came from areas held by US forces"]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'He said "this is open.\n\nThe minister said that taxes would rise.',
        "“Unclosed quote, she said.\n\nThe minister said that taxes would rise.",
        "”Backwards“ marks. The minister said that taxes would rise.",
    ],
)
def test_unbalanced_quotes_do_not_lose_the_rest(text: str) -> None:
    claims = attributions(text)
    assert ("The minister", "said", ["that taxes would rise"]) in [parts(c, text) for c in claims]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Pentagon's statement that the claims were ridiculous was published on Friday.",
            ("The Pentagon", "statement", ["that the claims were ridiculous"]),
        ),
        (
            "Moscow made the claim that the US supports terrorists.",
            ("Moscow", "claim", ["that the US supports terrorists"]),
        ),
        (
            "The allegation by Russia that the US supports terrorists is false.",
            ("Russia", "allegation", ["that the US supports terrorists"]),
        ),
    ],
)
def test_report_nouns_with_that_clause(text: str, expected: tuple[object, ...]) -> None:
    claims = attributions(text)
    assert [parts(c, text) for c in claims] == [expected]


def test_a_date_after_a_passive_cue_is_not_content() -> None:
    assert attributions("The figures were published on Friday.") == []


def test_physical_attack_is_not_an_attribution() -> None:
    assert attributions("The militants attacked Syrian positions near the road.") == []
    text = "The senator attacked Trump for his comments on the economy."
    assert [parts(c, text)[1] for c in attributions(text)] == ["attacked"]


def test_reported_clause_split_by_the_parser_is_made_whole() -> None:
    text = (
        "The Russian Defense Ministry said on Wednesday that it had warned the United States "
        "that any allegedly attacks by terrorists from zone controlled by US forces would be "
        "repelled, adding a series of Daesh attacks against the Syrian forces have been "
        "carried out from the areas where the “US military mission” is deployed."
    )
    adding = [c for c in attributions(text) if c.cue.text == "adding"]
    assert [c.content.text for c in adding] == [
        "a series of Daesh attacks against the Syrian forces have been carried out from the "
        "areas where the “US military mission” is deployed"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pence: Gennifer Flowers Won’t Be at Debate.\n\nMike Pence spoke to Fox News on "
            "Sunday.",
            ("Pence", ":", ["Gennifer Flowers Won’t Be at Debate"]),
        ),
        (
            '"WALLACE: If I may, sir, because we’ve got limited time, will she be there?',
            ("WALLACE", ":", ["If I may, sir, because we’ve got limited time, will she be there?"]),
        ),
        (
            "The tweets drew replies.\n\n“Maybe, we can build a wall around Donald Trump.” "
            "― Steve Quinlan\n",
            ("Steve Quinlan", "―", ["“Maybe, we can build a wall around Donald Trump.”"]),
        ),
        (
            '"The whole idea of it is just wrong and it needs to stop." - Michelle Marks, '
            "Philadelphia.",
            ("Michelle Marks", "-", ['"The whole idea of it is just wrong and it needs to stop."']),
        ),
    ],
)
def test_a_line_attributed_by_punctuation(text: str, expected: tuple[object, ...]) -> None:
    assert [parts(c, text) for c in attributions(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Note: This story has been updated with new figures.",
        "Stocks closed higher: the index gained two percent on Friday.",
        "“We will win this,” the coach promised — and they did.",
        '"Go home" - Police',
        "WASHINGTON: The Pentagon on Friday denied the reports.",
        "MOSCOW (Sputnik): The Russian Defense Ministry published a batch of pictures.",
        "Headline\n\nNEW YORK: Stocks rose on Friday as investors cheered the figures.",
    ],
)
def test_a_colon_or_dash_alone_does_not_make_an_attribution(text: str) -> None:
    marks = (":", "-", "--", "–", "—", "―")
    assert [parts(c, text)[1] for c in attributions(text) if parts(c, text)[1] in marks] == []


def test_a_report_inside_a_speakers_line_is_nested() -> None:
    text = "CLINTON: He said the wall would be paid for, and that is not true."
    assert [parts(c, text)[:2] for c in attributions(text)] == [("CLINTON", ":")]
