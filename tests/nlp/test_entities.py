"""Canonical entities: aliases, in-document variants, acronyms, affiliations and targets."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

import claimgraph
from claimgraph.nlp import components  # noqa: F401  (registers the Doc extensions)
from claimgraph.nlp.entities import (
    ALIASES_ENV,
    Mention,
    _balanced,
    _relabel_surnames,
    alias_table,
    canonical_ref,
    link_entities,
    make_entity_id,
    slug,
)
from claimgraph.nlp.model import Attribution
from claimgraph.nlp.pipeline import DEFAULT_MODEL
from claimgraph.records import Claim, Document

ISLAMIC_STATE = "Q2429253"
PENTAGON = "Q11209"
UNITED_STATES = "Q30"
RUSSIAN_MOD = "org:russian-defense-ministry"


@pytest.fixture(scope="module")
def example() -> tuple[Document, list[Claim]]:
    return next(claimgraph.process([claimgraph.example_path()]))


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load(DEFAULT_MODEL)


def claim(claims: list[Claim], source: str, cue: str) -> Claim:
    return next(c for c in claims if c.source and c.source.text == source and c.cue.text == cue)


def target_ids(c: Claim) -> list[str]:
    return [t.entity_id for t in c.targets]


# --------------------------------------------------------------------------- example article


def test_daesh_isis_islamic_state_are_one_entity(example: tuple[Document, list[Claim]]) -> None:
    document, claims = example
    (entity,) = [e for e in document.entities if e.entity_id == ISLAMIC_STATE]
    assert entity.name == "Islamic State"
    assert entity.kind == "ORG"
    assert entity.qid == ISLAMIC_STATE
    assert {"Daesh", "ISIS"} <= set(entity.aliases)
    names = {e.name for e in document.entities}
    assert not names & {"Daesh", "ISIS"}
    # "Daesh terrorist group (ISIS, Islamic State, …)" and "ISIS [Daesh]" alike.
    first = claim(claims, "a Pentagon spokesperson", "told")
    quote = claim(claims, "the spokesperson", "said")
    assert ISLAMIC_STATE in target_ids(first)
    assert ISLAMIC_STATE in target_ids(quote)


def test_pentagon_spokesperson_speaks_for_the_pentagon(
    example: tuple[Document, list[Claim]],
) -> None:
    _, claims = example
    first = claim(claims, "a Pentagon spokesperson", "told")
    assert first.source is not None
    assert (first.source.entity_id, first.source.entity_name) == (PENTAGON, "Pentagon")
    assert first.source.affiliation == "Pentagon"


def test_spokesperson_quotes_resolve_to_the_pentagon(
    example: tuple[Document, list[Claim]],
) -> None:
    _, claims = example
    for source in ("the spokesperson", "a spokesperson"):
        c = claim(claims, source, "said")
        assert c.source is not None
        assert (c.source.entity_id, c.source.affiliation) == (PENTAGON, "Pentagon")
    # The organisation itself is the Pentagon, not someone speaking for it.
    org = claim(claims, "The Pentagon", "told")
    assert org.source is not None
    assert (org.source.entity_id, org.source.affiliation) == (PENTAGON, None)


def test_russian_claim_targets_the_united_states(
    example: tuple[Document, list[Claim]],
) -> None:
    _, claims = example
    russian = claim(claims, "The Russian Defense Ministry", "said")
    assert russian.source is not None
    assert russian.source.entity_id == RUSSIAN_MOD
    assert UNITED_STATES in target_ids(russian)
    assert RUSSIAN_MOD not in target_ids(russian)  # not about itself


def test_pentagon_denial_targets_the_russian_defense_ministry(
    example: tuple[Document, list[Claim]],
) -> None:
    _, claims = example
    denial = claim(claims, "the Pentagon", "denied")
    assert denial.source is not None
    assert denial.source.entity_id == PENTAGON
    assert target_ids(denial)[0] == RUSSIAN_MOD  # the claim it answers comes first
    assert {ISLAMIC_STATE, "Q858"} <= set(target_ids(denial))  # Daesh, Syria


def test_any_claims_to_the_contrary_answer_the_russian_statement(
    example: tuple[Document, list[Claim]],
) -> None:
    _, claims = example
    # "… any claims to the contrary are ridiculous, a Pentagon spokesperson told Sputnik
    # on Friday commenting on a statement made by the Russian Defense Ministry"
    first = claim(claims, "a Pentagon spokesperson", "told")
    assert target_ids(first)[0] == RUSSIAN_MOD


def test_pronoun_source_takes_the_entity_it_resolves_to() -> None:
    claims = claimgraph.extract(
        "The Russian Defense Ministry said on Wednesday that it had warned the United States "
        "about the attacks. It added that the militants had left the area controlled by US "
        "forces.",
        published="2017-10-07",
    )
    added = claim(claims, "It", "added")
    assert added.source is not None
    assert added.source.entity_id == RUSSIAN_MOD


def test_a_surname_the_model_did_not_tag_is_the_person_named_in_full() -> None:
    """spaCy tags "Joan Tarshis" in a list but not "Tarshis" opening a sentence: the source
    is still her; a surname two people of the article share is neither's."""
    text = (
        "Other women include music publicist and journalist Joan Tarshis, actress Barbara "
        "Bowman and 15 others.\n\nIn one of the most revealing interviews, Tarshis told CNN "
        "that she was 19 years old at the time."
    )
    told = claim(claimgraph.extract(text), "Tarshis", "told")
    assert told.source is not None
    assert (told.source.entity_id, told.source.entity_name) == (
        "person:joan-tarshis",
        "Joan Tarshis",
    )
    two = text.replace("actress Barbara Bowman", "her sister Ann Tarshis")
    told = claim(claimgraph.extract(two), "Tarshis", "told")
    assert told.source is not None and told.source.entity_name != "Joan Tarshis"


def test_an_untagged_surname_in_a_content_is_a_target() -> None:
    """The untagged surname is a mention of the person, so a claim about her targets her."""
    text = (
        "Other women include music publicist and journalist Joan Tarshis, a columnist for the "
        "Daily Planet, and actress Barbara Bowman.\n\nIn one of the most revealing interviews, "
        "Tarshis told CNN that she was 19 years old at the time. Cosby's lawyer said Tarshis "
        "was lying."
    )
    said = claim(claimgraph.extract(text), "Cosby's lawyer", "said")
    assert "person:joan-tarshis" in {t.entity_id for t in said.targets}


def test_acronym_from_the_shipped_table_and_the_text(
    example: tuple[Document, list[Claim]],
) -> None:
    document, _ = example
    (sdf,) = [e for e in document.entities if e.name == "Syrian Democratic Forces"]
    assert sdf.entity_id == "org:syrian-democratic-forces"
    assert "SDF" in sdf.aliases


def test_example_entities_have_unique_ids(example: tuple[Document, list[Claim]]) -> None:
    document, _ = example
    ids = [e.entity_id for e in document.entities]
    assert len(ids) == len(set(ids))
    # The outlet is an organisation, whatever the model says about "Sputnik".
    (sputnik,) = [e for e in document.entities if e.name == "Sputnik"]
    assert (sputnik.entity_id, sputnik.kind) == ("org:sputnik", "ORG")


def test_example_places_are_place_entities(example: tuple[Document, list[Claim]]) -> None:
    """The geocoder's places are places whatever the model calls them: "Al-Qaryatayn" (ORG
    to the model), and "Rubkan", which only the shipped alias table places (no GeoNames id)."""
    document, _ = example
    kinds = {e.name: e.kind for e in document.entities}
    assert kinds["Al-Qaryatayn"] == "GPE"
    assert kinds["Rubkan"] == "GPE"


# --------------------------------------------------------------------------- other news


def test_acronym_defined_in_the_text() -> None:
    claims = claimgraph.extract(
        "The Syrian Observatory for Human Rights (SOHR) said 12 civilians were killed. "
        "SOHR added that the death toll could rise."
    )
    ids = [c.source.entity_id for c in claims if c.source is not None]
    assert ids == ["org:syrian-observatory-for-human-rights"] * 2


def test_an_acronym_the_model_tags_into_the_name_is_cut_off_it() -> None:
    # spaCy's model tags "the World Health Organization (WHO" as one ORG, bracket open.
    claims = claimgraph.extract(
        "A spokesman for the World Health Organization (WHO) said the outbreak was over. "
        "WHO added that travel could resume."
    )
    linked = [
        (c.source.entity_id, c.source.entity_name, c.source.affiliation)
        for c in claims
        if c.source is not None
    ]
    assert linked == [
        ("Q7817", "World Health Organization", "World Health Organization"),
        ("Q7817", "World Health Organization", None),
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the World Health Organization (WHO", "the World Health Organization"),
        ("(Department of Veterans Affairs", "Department of Veterans Affairs"),
        ("Defra (Department for Environment, Food", "Defra"),
        ("Syrian Democratic Forces (SDF)", "Syrian Democratic Forces (SDF)"),
        ("a (b) c (d", "a (b) c"),
        ("(x (y)", "x (y)"),
        ("DMUG) party", "party"),
    ],
)
def test_names_keep_no_unbalanced_bracket(text: str, name: str) -> None:
    doc = spacy.blank("en")(text)
    start, end = _balanced(doc, 0, len(doc))
    assert doc[start:end].text == name


def test_a_persons_name_starts_after_its_titles() -> None:
    claims = claimgraph.extract(
        "Deputy Superintendent Lorraine Bailey said the schools would open on Monday. "
        "Bailey added that buses would run. Sgt. Glen Horan said the road was closed."
    )
    linked = [(c.source.entity_id, c.source.entity_name) for c in claims if c.source]
    assert linked == [
        ("person:lorraine-bailey", "Lorraine Bailey"),
        ("person:lorraine-bailey", "Lorraine Bailey"),
        ("person:glen-horan", "Glen Horan"),
    ]


def test_british_spellings_find_the_alias_entry() -> None:
    claims = claimgraph.extract(
        "The World Health Organisation said the virus had spread. "
        "Russia's Ministry of Defence said the aircraft had landed. "
        "The FDA said the drug was safe."
    )
    assert [c.source.entity_id for c in claims if c.source] == [
        "Q7817",
        "org:russian-defense-ministry",  # listed as "Russia's Ministry of Defense"
        "org:food-and-drug-administration",
    ]


def test_a_surname_the_model_calls_a_place_is_the_person_named_in_full() -> None:
    from spacy.tokens import Doc

    words = ["Andrej", "Mahecic", "said", "so", ".", "Mahecic", "added", "that", ".",
             "Mahecic", "Director", "Jo", "Li", "spoke", "."]  # fmt: skip
    pos = ["PROPN", "PROPN", "VERB", "ADV", "PUNCT", "PROPN", "VERB", "SCONJ", "PUNCT",
           "PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PUNCT"]  # fmt: skip
    doc = Doc(spacy.blank("en").vocab, words=words, pos=pos)

    def mention(start: int, end: int, label: str) -> Mention:
        span = doc[start:end]
        return Mention(start, end, span.start_char, span.end_char, span.text, label)

    full, alone, modifier = mention(0, 2, "PERSON"), mention(5, 6, "GPE"), mention(9, 10, "GPE")
    _relabel_surnames(doc, [full, alone, modifier], {})
    assert alone.label == "PERSON"
    assert modifier.label == "GPE"  # "Mahecic Director …" qualifies the name after it


def test_person_variants_are_one_entity() -> None:
    claims = claimgraph.extract(
        "Donald Trump said on Tuesday that the wall would be built. "
        "Mr. Trump added that Mexico would pay for it. "
        "Trump told reporters that the talks had failed."
    )
    sources = [(c.source.text, c.source.entity_id) for c in claims if c.source is not None]
    assert sources == [
        ("Donald Trump", "Q22686"),
        ("Mr. Trump", "Q22686"),
        ("Trump", "Q22686"),
    ]
    assert [t.entity_id for t in claims[1].targets] == ["Q96"]  # Mexico


def test_two_people_with_one_surname() -> None:
    # The model tags only "Trump" of "Ivanka Trump"; the bare "Trump" is the one the alias
    # table names, not the nearest full name.
    claims = claimgraph.extract(
        "Donald Trump proposed a new leave plan on Tuesday. Ivanka Trump said the plan "
        "would help mothers. Trump added that fathers would not be eligible."
    )
    sources = [(c.source.text, c.source.entity_id) for c in claims if c.source is not None]
    assert sources == [
        ("Donald Trump", "Q22686"),
        ("Ivanka Trump", "person:ivanka-trump"),
        ("Trump", "Q22686"),
    ]


def test_surname_goes_to_the_full_name_in_the_document() -> None:
    # Not in the alias table: the entity comes from the text alone.
    claims = claimgraph.extract(
        "“We have no evidence of that,” John Kirby, a State Department spokesman, told "
        "reporters. Kirby said the talks would continue."
    )
    linked = [
        (c.source.entity_id, c.source.entity_name, c.source.affiliation)
        for c in claims
        if c.source is not None
    ]
    assert linked == [("person:john-kirby", "John Kirby", "State Department")] * 2


def test_affiliation_in_a_title_and_after_a_preposition() -> None:
    claims = claimgraph.extract(
        "Russian Foreign Ministry spokeswoman Maria Zakharova said Washington was to blame. "
        "A spokeswoman for the European Commission said the rules would apply from May."
    )
    linked = [(c.source.entity_id, c.source.affiliation) for c in claims if c.source is not None]
    assert linked == [
        ("person:maria-zakharova", "Russian Foreign Ministry"),
        ("org:european-commission", "European Commission"),
    ]


def test_unnamed_officials_speak_for_their_country() -> None:
    claims = claimgraph.extract(
        "Russian Foreign Ministry spokeswoman Maria Zakharova said Washington was to blame. "
        "U.S. officials said the claims were false."
    )
    officials = claim(claims, "U.S. officials", "said")
    assert officials.source is not None
    assert (officials.source.entity_id, officials.source.affiliation) == (
        UNITED_STATES,
        "United States",
    )
    # "the claims" answer the claim before it.
    assert target_ids(officials) == ["person:maria-zakharova"]


def test_ids_are_stable_across_documents() -> None:
    a = claimgraph.extract("Daesh fighters attacked the town, the Iraqi military said.")
    b = claimgraph.extract("The Iraqi military said ISIS fighters had left the town.")
    assert ISLAMIC_STATE in target_ids(a[0])
    assert ISLAMIC_STATE in target_ids(b[0])
    one = claimgraph.extract("The Syrian Observatory for Human Rights said 12 people died.")
    two = claimgraph.extract("Nine died, the Syrian Observatory for Human Rights said.")
    assert one[0].source and two[0].source
    assert one[0].source.entity_id == two[0].source.entity_id


# --------------------------------------------------------------------------- table and ids


def test_alias_table_lookup() -> None:
    table = alias_table()
    for alias in ("Daesh", "ISIS", "ISIL", "IS", "Islamic State", "islamic state"):
        entry = table.lookup(alias)
        assert entry is not None and entry.entity_id == ISLAMIC_STATE, alias
    assert table.lookup("is") is None  # short aliases match only as spelled
    assert table.lookup("Russia’s Defense Ministry").entity_id == RUSSIAN_MOD  # type: ignore[union-attr]
    assert table.lookup("U.S. Department of Defense").name == "Pentagon"  # type: ignore[union-attr]
    # part_of: the Pentagon answers for the United States, the ministry for Russia.
    assert table.ancestors("Q11209") == ["Q30"]
    assert table.ancestors(RUSSIAN_MOD) == [table.lookup("Russia").entity_id]  # type: ignore[union-attr]
    assert table.ancestors("Q30") == []


def test_entity_ids() -> None:
    assert slug("Recep Tayyip Erdoğan") == "recep-tayyip-erdogan"
    assert slug("U.S. Central Command") == "u-s-central-command"
    assert make_entity_id("Islamic State", "ORG", "Q2429253") == "Q2429253"
    assert make_entity_id("Syrian Democratic Forces", "ORG") == "org:syrian-democratic-forces"
    assert canonical_ref("Sputnik") == canonical_ref("Sputnik News")
    assert canonical_ref("Daily Planet").entity_id == "org:daily-planet"


def test_user_alias_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "aliases.csv"
    user.write_text(
        "name,kind,qid,aliases\n"
        "# a comment\n"
        "Syrian Observatory for Human Rights,ORG,,SOHR|Syrian Observatory\n"
        "Islamic State,ORG,Q2429253,Dawla\n"
        ",ORG,,nameless\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(ALIASES_ENV, str(user))
    with pytest.warns(UserWarning, match=r"aliases\.csv:5: skipped"):
        table = alias_table()
    entry = table.lookup("Syrian Observatory")
    assert entry is not None
    assert entry.entity_id == "org:syrian-observatory-for-human-rights"
    dawla = table.lookup("Dawla")
    assert dawla is not None and dawla.entity_id == ISLAMIC_STATE
    assert table.lookup("Daesh") is dawla  # the user's row extends the shipped one


def test_missing_user_alias_file_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALIASES_ENV, str(tmp_path / "missing.csv"))
    with pytest.warns(UserWarning, match="not read"):
        table = alias_table()
    assert table.lookup("Daesh") is not None


# --------------------------------------------------------------------------- robustness


def test_link_entities_on_hand_built_attributions(nlp: Language) -> None:
    text = "The same day, the Pentagon denied complicity with Daesh in Syria."
    doc = nlp(text)
    s = text.index("the Pentagon")
    c = text.index("denied")
    k = text.index("complicity")
    att = Attribution(
        cue=(c, c + 6),
        cue_lemma="deny",
        content=[(k, len(text) - 1)],
        kind="indirect",
        source=(s, s + len("the Pentagon")),
    )
    link_entities(doc, [att])
    assert att.entity is not None and att.entity.entity_id == PENTAGON
    assert [t.entity_id for t in att.targets] == [ISLAMIC_STATE, "Q858"]
    assert {e.entity_id for e in doc._.entities} == {PENTAGON, ISLAMIC_STATE, "Q858"}


VOCABULARY = (
    "the The Pentagon ISIS ( ) SDF Syrian Democratic Forces Mr. Trump Donald said , . “ ” "
    "a spokesperson he it denied claims Russia 's U.S. officials \n \n\n"
)
WORDS = st.sampled_from(VOCABULARY.split(" "))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(WORDS | st.text(max_size=8), max_size=40),
    spans=st.lists(
        st.tuples(st.integers(-5, 300), st.integers(-5, 300), st.integers(-5, 300)),
        max_size=5,
    ),
    resolved=st.sampled_from([None, "", "Pentagon spokesperson", "Trump", "nobody"]),
)
def test_link_entities_never_raises(
    nlp: Language, words: list[str], spans: list[tuple[int, int, int]], resolved: str | None
) -> None:
    doc = nlp(" ".join(words))
    atts = [
        Attribution(
            cue=(a, b),
            cue_lemma="deny",
            content=[(b, c), (a, c)],
            kind="indirect",
            source=(a, c) if a % 2 else None,
            resolved=resolved,
        )
        for a, b, c in spans
    ]
    link_entities(doc, atts)
    assert isinstance(doc._.entities, list)
    for att in atts:
        assert all(t.entity_id for t in att.targets)
