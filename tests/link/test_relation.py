"""Relations between two claims from the rule signals (and a stance model when given)."""

from __future__ import annotations

import dataclasses

import pytest

from claimgraph.link.relation import denies, polarity, relate, relate_many, side
from claimgraph.records import Claim, Content, Cue, EntityRef, Source


def claim(
    content: str,
    *,
    source: str | None = "the Russian Defense Ministry",
    entity_id: str | None = None,
    affiliation: str | None = None,
    cue: str = "said",
    cls: str = "assert",
    hedged: bool = False,
    claim_id: str = "c",
    targets: tuple[str, ...] = (),
) -> Claim:
    """A claim laid out as "<source> <cue> <content>" with consistent offsets."""
    src = None
    start = 0
    if source is not None:
        src = Source(source, 0, len(source), entity_id=entity_id, affiliation=affiliation)
        start = len(source) + 1
    cue_span = Cue(cue, start, start + len(cue), cue.split()[-1], cls)  # type: ignore[arg-type]
    body = start + len(cue) + 1
    return Claim("d", claim_id, "indirect", src, cue_span,
                 Content(content, ((body, body + len(content)),)), hedged=hedged,
                 targets=tuple(EntityRef(t, t) for t in targets))  # fmt: skip


ACCUSATION = claim("the United States supports terrorists in Syria")


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (ACCUSATION, 1),
        (
            claim(
                "complicity with Daesh in Syria", source="the Pentagon", cue="denied", cls="deny"
            ),
            -1,
        ),
        (claim("any claims to the contrary are ridiculous", source="the Pentagon"), -1),
        (claim("the Pentagon denied any complicity with ISIS", source="the spokesperson"), -1),
        (claim("the US does not support terrorists", source="the Pentagon"), -1),
        # A denied negation asserts: "denied that it had not warned Washington".
        (claim("it had not warned Washington", cue="denied", cls="deny"), 1),
        # "did not say": the source is not committed either way.
        (claim("the US supports terrorists", cue="did not say", cls="other"), 0),
        # False news named without dismissing any claim is not a denial.
        (claim("false flag attacks were staged in Homs"), 1),
        # Published material is evidence offered, not a proposition of its own …
        (
            claim(
                "a batch of aerial pictures showing that US troops are present in Daesh areas",
                cue="published",
                cls="publish",
            ),
            0,
        ),
        # … also when the cue takes the noun phrase's opening words …
        (
            claim(
                "aerial pictures showing that US troops are present in Daesh areas",
                cue="published a batch of",
                cls="publish",
            ),
            0,
        ),
        # … unless a clause comes first, or the material itself is denied.
        (claim("that the pictures show US troops in Daesh areas", cue="published"), 1),
        (claim("the video of the strike", source="the Pentagon", cue="dismissed", cls="deny"), -1),
        # The first sentence carries the polarity: a long quotation's later negations are
        # other propositions …
        (
            claim(
                "“This is a disgusting day,” … “Donald Trump is a disgusting fraud. He started "
                "this years ago. He would not have done that to a Mitt Romney.”",
                source="G.K. Butterfield",
            ),
            1,
        ),
        (claim("We do not support terrorists. The pictures show what they show.", source="he"), -1),
        # … whatever ends the first: a question mark in a quotation, the fragments' joint
        (
            claim(
                "“What do you have to lose?” … “You will not be disappointed.”",
                source="Trump",
            ),
            1,
        ),
        (
            claim(
                "She has long been an advocate for families. … She does not shy away from details.",
                source="the board",
            ),
            1,
        ),
        # … or a capital after the joint: the quotation went on with a new sentence after
        # the cue ("… ran off,” he said. “I was so shocked …"), not with the same one …
        (
            claim(
                '"They put something over my head and then they ran off," … "I was so '
                "shocked I didn't feel a thing.\"",
                source="Fei Lin",
            ),
            1,
        ),
        # (quotation marks written as two: a quotation within one, or two apostrophes)
        (claim("''We are refugees,'' … ''We are not terrorists.''", source="the family"), 1),
        (claim("“Then he said ‘we won,’” … “It was not true.”", source="the aide"), 1),
        (claim("“We will not,” … “and we never will.”", source="the minister"), -1),
        (claim("the operation … 'I can't remember much'", source="he", cue="said of"), -1),
        # … and a negation after ", but" negates another clause than the one asserted.
        (claim("he was advised to press charges, but does not see the point", source="he"), 1),
        (claim("I saw the bottle but I didn't realise she would throw it", source="she"), 1),
        (claim("I can't remember much, but the doctor talked to me", source="he"), -1),
        (claim("I can't remember much but the doctor talked to me", source="he"), -1),
        (claim("the US does not support terrorists, but it arms them", source="Moscow"), -1),
        # … and so does one in a second that-clause (FNC-1: not a denial of the deal).
        (
            claim(
                "that the Apple and Path deal is practically done and that the tech company "
                "won't be changing the social media platform after the purchase",
                source="A source close to the matter",
            ),
            1,
        ),
        (claim("that the deal is not done and that talks go on", source="he"), -1),
        # A negation that opens an idiom asserts: "no doubt", "not only", "no matter" …
        (claim("“There is no doubt that Trump is the favorite,”", source="he"), 1),
        (claim("he is not only a racist, but a danger to the free world", source="he"), 1),
        (claim("Bernie is in good shape no matter who wins New York", source="he"), 1),
        (claim("the economy should work for families and not just billionaires", source="she"), 1),
        (claim('(that\'s a big "no duh")', source="the study"), 1),
        (claim("there is no doubt, and the US does not support terrorists", source="he"), -1),
        (claim("the group no longer recruits children", source="the ministry"), -1),
        # Withholding comment or confirmation commits the source to nothing.
        (claim("their companies did not comment on rumors", source="Lenovo"), 0),
        (claim("“We are aware of reports. We cannot confirm these reports.”", source="he"), 1),
        (claim("“We cannot confirm these reports,”", source="the ministry"), 0),
        (claim("no comment", source="the ministry"), 0),
        (claim("the pictures could not be verified independently", source="the agency"), 0),
        (claim("the ministry did not deny the report", source="he"), -1),
        (claim("the Senate should not confirm a replacement", source="McConnell"), -1),
        (claim("she did not view the comment in isolation", source="the judge"), -1),
        # … but an explicit denial counts in any sentence.
        (
            claim(
                "“The coalition’s mission in Syria is to defeat ISIS and prevent its return to "
                "liberated areas. Any claims to the contrary are ridiculous.”",
                source="the Pentagon",
            ),
            -1,
        ),
        # … and a title's full stop ends no sentence.
        (claim("Gen. Smith did not order the strike. He was on leave.", source="the Army"), -1),
        # Contractions negate, with a straight or a curly apostrophe.
        (claim("''This isn't tax reform,''", source="Douglas Holtz-Eakin"), -1),
        (claim("the US doesn’t support terrorists", source="the Pentagon"), -1),
        (claim("the US supports terrorists", cue="didn’t say", cls="other"), 0),
        # A negated dismissal upholds what it would have dismissed …
        (claim("“I don't think this is a ridiculous idea,”", source="Dean"), 1),
        (claim("the claims are not baseless", source="the senator"), 1),
        # … while a dismissal that a negation merely precedes in the sentence still dismisses.
        (claim("the ministry did not comment, but the claims are ridiculous", source="he"), -1),
        # An order or a request is no proposition: "ordered staff never to speak of the emails".
        (claim("never to speak of Clinton's email", source="Mills", cue="ordered"), 0),
        (claim("to leave the city", source="the army", cue="told"), 0),
        # A negated source says nothing, as a negated cue does.
        (
            claim(
                "saturated fat to heart disease",
                source="no experimental evidence",
                cue="has ever directly linked",
                cls="other",
            ),
            0,
        ),
        (claim("the plan will work", source="Not everyone", cue="is convinced"), 0),
        (claim("the plan will work", source="Nora Noon"), 1),
        # … nor is a negative order ("Don't say …"), where an opening "never" inverts none.
        (claim("“Don’t say, ‘Merry Christmas!’ ”", source="the man", cue="shouted"), 0),
        (claim("Do not let the perfect be the enemy of the good", source="Obama"), 0),
        (claim("Never, ever underestimate Trump.", source="Christie"), 0),
        (claim("never has a president lied so often", source="the senator"), -1),
        (claim("don't know what happened", source="they", cue="said they"), -1),
        (claim("to the contrary, the strikes hit military targets", source="the army"), 1),
        # Dismissing someone as something denies nothing; dismissing claims or material does.
        (
            claim(
                "NATO member Estonia as being in the “suburbs of St. Petersburg”",
                source="Newt Gingrich",
                cue="cynically dismissed",
                cls="deny",
            ),
            0,
        ),
        (claim("the reports as fake news", source="the minister", cue="dismissed", cls="deny"), -1),
        (claim("the pictures as staged", source="the ministry", cue="dismissed", cls="deny"), -1),
        # … while denying a negation still asserts.
        (claim("that it had not paid the fine", source="the firm", cue="denied", cls="deny"), 1),
    ],
)
def test_polarity(made: Claim, expected: int) -> None:
    assert polarity(made)[0] == expected


def test_a_negation_the_parse_puts_in_a_subordinate_clause_asserts() -> None:
    killed = claim("a dozen doctors have been killed because they wouldn't take part")
    # read from the words alone (a record built by hand, a database from before the parse's
    # reading was stored) the negation counts; the parse's reading decides where it is known
    assert polarity(killed)[0] == -1
    subordinate = dataclasses.replace(
        killed, content=dataclasses.replace(killed.content, negated=False)
    )
    assert polarity(subordinate) == (1, "assert cue, content asserts (its negation is in a "
                                        "subordinate clause)")  # fmt: skip
    main = dataclasses.replace(killed, content=dataclasses.replace(killed.content, negated=True))
    assert polarity(main)[0] == -1
    executed = claim("doctors were executed for refusing to take part", source="Amnesty",
                     claim_id="e")  # fmt: skip
    assert relate(executed, subordinate).relation == "agree"
    assert relate(executed, killed).relation == "contradict"


def test_an_accusation_and_its_denial_contradict() -> None:
    denial = claim("complicity with Daesh in Syria", source="the Pentagon", cue="denied",
                   cls="deny")  # fmt: skip
    found = relate(ACCUSATION, denial)
    assert found.relation == "contradict"
    assert found.reason == "assert cue, content asserts vs deny cue 'denied'"


def test_a_dismissal_of_claims_contradicts_them() -> None:
    dismissal = claim("any claims to the contrary are ridiculous", source="a Pentagon spokesperson")
    assert relate(dismissal, ACCUSATION).relation == "contradict"


def test_a_dismissal_does_not_contradict_published_evidence() -> None:
    dismissal = claim("any claims to the contrary are ridiculous", source="a Pentagon spokesperson")
    pictures = claim("a batch of aerial pictures showing that US troops are present in Daesh areas",
                     cue="published", cls="publish")  # fmt: skip
    found = relate(dismissal, pictures)
    assert found.relation == "discuss"
    assert "names evidence (pictures)" in found.reason


@pytest.mark.parametrize(
    ("negated", "other"),
    [
        (  # FNC-1: the quotation's first sentence is negated, the one repeated is not
            '"He feels he will never die," … "Therefore, he feels it\'s a stupid idea to '
            'begin with."',
            '"Therefore, he feels it\'s a stupid idea to begin with,"',
        ),
        (  # FNC-1: the clause after "but" is the one repeated
            "a bear expert as saying there wasn't anything about Bieber's music that bears "
            'find offensive, but "sometimes a sharp shock can stop an angry bear in its tracks"',
            "a sharp shock can stop an angry bear in its tracks",
        ),
    ],
)
def test_a_negation_outside_the_part_that_says_the_same_makes_no_contradiction(
    negated: str, other: str
) -> None:
    a = claim(negated, source="Simone")
    b = claim(other, source="the Post")
    assert polarity(a)[0] == -1 and polarity(b)[0] == 1
    found = relate(a, b)
    assert found.relation == "discuss" and "matching part asserts" in found.reason
    # … while the negation of that very part still contradicts it
    assert relate(claim("it is not a stupid idea", source="Simone"), b).relation == "contradict"


@pytest.mark.parametrize(
    ("corrected", "other", "expected"),
    [
        # the correction names what the other claim does not say: both say $950
        ("the Watch Edition will cost $950, not $5,000", "the Watch Edition is priced at $950",
         "discuss"),
        # … and what it does say: the other claim's proposer is the one corrected away
        ("the Russians broached the idea of a back channel, not Kushner",
         "Kushner proposed a back channel to the Kremlin", "contradict"),
        # a plain negation of the other claim's item stays a contradiction
        ("the Watch Edition will not cost $950", "the Watch Edition is priced at $950",
         "contradict"),
    ],
)  # fmt: skip
def test_a_correction_contradicts_only_the_item_it_corrects(
    corrected: str, other: str, expected: str
) -> None:
    a = claim(corrected, source="a Citigroup analyst")
    b = claim(other, source="the Post")
    assert polarity(a)[0] == -1 and polarity(b)[0] == 1
    assert relate(a, b).relation == relate(b, a).relation == expected


def test_one_side_does_not_contradict_itself() -> None:
    # A spokesperson speaks for the ministry: one side, whatever the wording.
    spokesman = claim("the US no longer flirts with terrorists", source="a ministry spokesman",
                      affiliation="the Russian Defense Ministry")  # fmt: skip
    assert side(spokesman) == side(ACCUSATION) == "the russian defense ministry"
    assert relate(ACCUSATION, spokesman).relation == "discuss"


def test_the_same_entity_is_one_side_whatever_its_name() -> None:
    a = claim("the coalition fights Daesh", source="the Pentagon", entity_id="Q11209")
    b = claim("the coalition does not help Daesh", source="a spokesperson", entity_id="Q11209")
    assert relate(a, b).relation == "discuss"


def test_a_claim_without_a_source_takes_no_side() -> None:
    narrative = claim("the militants did not cross the river", source=None)
    assert side(narrative) is None
    assert relate(ACCUSATION, narrative).relation == "discuss"


def test_repetitions_agree_and_hedged_ones_discuss() -> None:
    repeat = claim("the US is supporting terrorists in Syria", source="Moscow")
    assert relate(ACCUSATION, repeat).relation == "agree"
    hedged = claim("US forces reportedly allowed fighters through", source="Moscow", hedged=True)
    assert relate(ACCUSATION, hedged).relation == "discuss"


def test_the_stance_model_refines_but_never_overrules_a_polarity_conflict() -> None:
    denial = claim("that the US supports terrorists", source="the Pentagon", cue="denied",
                   cls="deny")  # fmt: skip
    repeat = claim("the US is supporting terrorists in Syria", source="Sputnik")
    assert relate(ACCUSATION, denial, stance="agree").relation == "contradict"
    # the model's disagreement is a doubt about the agreement, not a contradiction
    assert relate(ACCUSATION, repeat, stance="disagree").relation == "discuss"
    assert relate(ACCUSATION, repeat, stance="discuss").relation == "discuss"
    assert relate(ACCUSATION, repeat, stance="unrelated").relation == "agree"


def test_relate_many_asks_the_model_once_in_order() -> None:
    calls: list[list[tuple[str, str]]] = []

    def model(pairs: list[tuple[str, str]]) -> list[str]:
        calls.append(pairs)
        return ["discuss", "agree"]

    repeat = claim("the US is supporting terrorists in Syria", source="Sputnik")
    found = relate_many([(ACCUSATION, repeat), (repeat, ACCUSATION)], stance=model)
    assert [r.relation for r in found] == ["discuss", "agree"]
    assert calls == [[(ACCUSATION.content.text, repeat.content.text),
                      (repeat.content.text, ACCUSATION.content.text)]]  # fmt: skip


# -- claims on the same topic only (vectors further apart than a repetition's) ---------------

RUSSIA_ACCUSES = claim(
    "the United States supports terrorists in Syria",
    entity_id="org:russian-defense-ministry",
    targets=("Q30", "Q858"),
)


def test_the_accused_denying_contradicts_at_topic_level() -> None:
    # The Pentagon is part of the United States (aliases.csv, part_of): it answers for it.
    denial = claim("any complicity with Daesh", source="the Pentagon", entity_id="Q11209",
                   cue="denied", cls="deny", targets=("Q2429253",))  # fmt: skip
    found = relate(RUSSIA_ACCUSES, denial, same_proposition=False)
    assert found.relation == "contradict"
    assert "the accused denies" in found.reason


def test_rebutting_the_source_contradicts_at_topic_level() -> None:
    rebuttal = claim("criticism from the Russian Defense Ministry", source="Washington",
                     entity_id="Q30", cue="rejected", cls="deny",
                     targets=("org:russian-defense-ministry",))  # fmt: skip
    assert relate(rebuttal, RUSSIA_ACCUSES, same_proposition=False).relation == "contradict"


def test_a_denial_that_answers_neither_is_unrelated_at_topic_level() -> None:
    # Both are against Trump: Netanyahu rejects Trump's remarks, Khan criticises Trump.
    rejects = claim("Trump's remarks about Muslims", source="Netanyahu", entity_id="p:netanyahu",
                    cue="rejects", cls="deny", targets=("Q22686",))  # fmt: skip
    criticises = claim("Donald Trump's ignorant view of Islam could make us less safe",
                       source="Khan", entity_id="p:khan", targets=("Q22686",))  # fmt: skip
    assert relate(rejects, criticises, same_proposition=False).relation == "unrelated"
    # The same pair read as one proposition is a polarity conflict: a contradiction.
    assert relate(rejects, criticises).relation == "contradict"


def test_a_mere_negation_is_not_a_denial_at_topic_level() -> None:
    negated = claim("the United States does not want a war", source="the Pentagon",
                    entity_id="Q11209", targets=("Q30",))  # fmt: skip
    assert polarity(negated)[0] == -1 and not denies(negated)
    assert relate(RUSSIA_ACCUSES, negated, same_proposition=False).relation == "unrelated"


def test_the_stance_model_is_not_asked_about_topic_level_pairs() -> None:
    asked: list[tuple[str, str]] = []

    def stance(pairs: list[tuple[str, str]]) -> list[str]:
        asked.extend(pairs)
        return ["disagree"] * len(pairs)

    a, b = claim("x y z w", entity_id="p:a"), claim("x y z w v", source="B", entity_id="p:b")
    found = relate_many([(a, b), (a, b)], stance=stance, same_proposition=[True, False])
    assert len(asked) == 1
    assert [r.relation for r in found] == ["discuss", "unrelated"]


def test_an_unresolved_pronoun_answers_nobody_at_topic_level() -> None:
    rebuttal = claim("criticism from the Russian Defense Ministry", source="he", cue="rejected",
                     cls="deny", targets=("org:russian-defense-ministry",))  # fmt: skip
    assert relate(rebuttal, RUSSIA_ACCUSES, same_proposition=False).relation == "unrelated"


def test_one_quotation_reported_whole_and_in_fragments_agrees() -> None:
    """Two outlets quote the same words, one with the cue between two of its sentences: the
    fragments' joint is a sentence end, so the first sentence of both is the same and
    carries the same polarity (they had been told apart as a contradiction)."""
    whole = claim(
        "\"They put something over my head and then they ran off. I was so shocked I didn't "
        'feel a thing."',
        source="He",
        claim_id="a",
    )
    split = claim(
        '"They put something over my head and then they ran off," … "I was so shocked I '
        "didn't feel a thing.\"",
        source="Fei Lin",
        claim_id="b",
    )
    assert relate(whole, split).relation == "agree"
