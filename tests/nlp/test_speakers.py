"""Speaker resolution over hand-built attributions: names, role nouns, pronouns."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pipeline import DEFAULT_MODEL
from claimgraph.nlp.speakers import resolve_speakers, titles

EXAMPLE = "sputnik-2017-10-07-pentagon.txt"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load(DEFAULT_MODEL)


def resolve(nlp: Language, text: str, sources: list[tuple[str, str]]) -> list[Attribution]:
    """Attributions with the given (source, cue) substrings, in order, each searched after
    the previous one; resolved over ``text``."""
    atts = []
    pos = 0
    for source, cue in sources:
        s = text.index(source, pos)
        c = text.index(cue, s + len(source))
        atts.append(
            Attribution(
                cue=(c, c + len(cue)),
                cue_lemma="say",
                content=[],
                kind="direct",
                source=(s, s + len(source)),
            )
        )
        pos = c + len(cue)
    resolve_speakers(nlp(text), atts)
    return atts


def test_example_article(nlp: Language) -> None:
    from importlib import resources

    text = resources.files("claimgraph.examples").joinpath(EXAMPLE).read_text(encoding="utf-8")
    atts = resolve(
        nlp,
        text,
        [
            ("a Pentagon spokesperson", "told"),
            ("the spokesperson", "said"),
            ("The Pentagon", "told"),
            ("a spokesperson", "said"),
            ("The Russian Defense Ministry", "said"),
            ("the Pentagon", "denied"),
            ("the Russian Defense Ministry", "published"),
        ],
    )
    assert [a.resolved for a in atts] == [
        "Pentagon spokesperson",
        "Pentagon spokesperson",
        "Pentagon",
        "Pentagon spokesperson",
        "Russian Defense Ministry",
        "Pentagon",
        "Russian Defense Ministry",
    ]
    # The surface source is left as it is.
    s, e = atts[1].source or (0, 0)
    assert text[s:e] == "the spokesperson"


def test_titles_roles_and_gender(nlp: Language) -> None:
    text = (
        "Sen. John McCain told reporters the plan was flawed. The senator said he would vote "
        "no. Later, Ms. Warren said she agreed. He added that talks would go on."
    )
    atts = resolve(
        nlp,
        text,
        [
            ("Sen. John McCain", "told"),
            ("The senator", "said"),
            ("Ms. Warren", "said"),
            ("He", "added"),
        ],
    )
    assert [a.resolved for a in atts] == [
        "Sen. John McCain",
        "Sen. John McCain",
        "Ms. Warren",
        "Sen. John McCain",  # "Ms." makes Warren female, so "he" skips her
    ]


def test_subject_entity_and_learned_gender(nlp: Language) -> None:
    text = (
        "Boris Johnson spoke in London. He said the talks were over. Angela Merkel said "
        "nothing. She added that she was hopeful. He said more."
    )
    atts = resolve(
        nlp,
        text,
        [("He", "said"), ("Angela Merkel", "said"), ("She", "added"), ("He", "said")],
    )
    assert [a.resolved for a in atts] == [
        "Boris Johnson",  # the subject entity of the sentence before
        "Angela Merkel",
        "Angela Merkel",
        "Boris Johnson",  # "she" made Merkel female, so "he" skips her
    ]


def test_organisations_and_it_they(nlp: Language) -> None:
    text = (
        "Russia's Foreign Ministry said it was ready. It said talks were possible. "
        "Officials said more. They said so."
    )
    atts = resolve(
        nlp,
        text,
        [
            ("Russia's Foreign Ministry", "said"),
            ("It", "said"),
            ("Officials", "said"),
            ("They", "said"),
        ],
    )
    assert [a.resolved for a in atts] == [
        "Russia's Foreign Ministry",
        "Russia's Foreign Ministry",
        None,  # no earlier official: nothing fits
        "Russia's Foreign Ministry",
    ]


def test_appositive_and_relative(nlp: Language) -> None:
    text = (
        "John Kirby, a State Department spokesman, told CNN the talks failed. The spokesman "
        "said they would resume. Angela Merkel, who spoke in Berlin, said she was hopeful. "
        "The chancellor said more."
    )
    atts = resolve(
        nlp,
        text,
        [
            ("John Kirby, a State Department spokesman,", "told"),
            ("The spokesman", "said"),
            ("who", "spoke"),
            ("The chancellor", "said"),
        ],
    )
    assert [a.resolved for a in atts] == [
        "John Kirby",
        "John Kirby",  # the appositive made Kirby a spokesperson
        "Angela Merkel",
        "Angela Merkel",  # definite role noun with no match: nearest compatible person
    ]


def test_ministry_from_an_earlier_entity(nlp: Language) -> None:
    text = (
        "The Pentagon commented on a statement made by the Russian Defense Ministry. The "
        "ministry said the claims were false."
    )
    atts = resolve(nlp, text, [("The ministry", "said")])
    assert atts[0].resolved == "Russian Defense Ministry"


def test_indefinite_role_without_antecedent_stays_unresolved(nlp: Language) -> None:
    text = "Prices rose sharply. A spokesman said the company would comment later."
    assert resolve(nlp, text, [("A spokesman", "said")])[0].resolved is None


def test_pronoun_with_nothing_before_is_unresolved(nlp: Language) -> None:
    assert resolve(nlp, "He said the vote was rigged.", [("He", "said")])[0].resolved is None


def test_no_source_no_resolution(nlp: Language) -> None:
    doc = nlp("The vote was rigged, according to the report.")
    att = Attribution(cue=(21, 33), cue_lemma="according to", content=[(0, 20)], kind="indirect")
    resolve_speakers(doc, [att])
    assert att.resolved is None


def test_titles_table() -> None:
    table = titles()
    assert table["spokesman"].group == table["spokesperson"].group == "spokesperson"
    assert table["spokeswoman"].gender == "f"
    assert table["ministry"].kind == "org"
