"""Entity timelines and the `entities` / `timeline` commands, on hand-built records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimgraph.cli import app
from claimgraph.records import (
    Claim,
    Content,
    Cue,
    DateRef,
    Document,
    Entity,
    EntityRef,
    Source,
    claim_id,
    content_id,
)
from claimgraph.store import ClaimStore
from claimgraph.timeline import (
    EntityLookupError,
    date_start,
    entities,
    find_entity,
    timeline,
)

PENTAGON = Entity("pentagon", "Pentagon", "ORG", "Q11208", ("U.S. Department of Defense", "DoD"))
RUSSIAN_MOD = Entity(
    "russian-mod", "Russian Ministry of Defence", "ORG", None,
    ("Russian Defense Ministry", "the ministry"),
)  # fmt: skip
SYRIAN_MOD = Entity("syrian-mod", "Syrian Ministry of Defence", "ORG", None, ("the ministry",))
USA = Entity("Q30", "United States", "GPE", "Q30", ("US", "Washington"))
WASHINGTON = Entity("Q61", "Washington", "GPE", "Q61", ("Washington, D.C.",))

# Saturday 2017-10-07: the accusation (Wednesday) and the denial (Friday).
SPUTNIK = (
    "On Wednesday, the Russian Defense Ministry said that US forces had let Daesh militants "
    "leave Rukban. A Pentagon spokesperson on Friday denied that the ministry's claim was true."
)
# 2017-09-30, no utterance date: dated by publication.
WIRE = "The Pentagon said the strike near Al-Tanf was lawful, and Syria's ministry condemned it."
# 2017-10-09: a month-valued utterance date, and one no calendar can place.
REVIEW = (
    "In September the Pentagon said that the Pentagon had cut its presence in Syria. "
    "At some point the ministry said the US had no plan."
)


def at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def make_claim(
    doc: Document,
    source: str,
    cue: tuple[str, str],
    content: str,
    *,
    entity: Entity | None = None,
    affiliation: str | None = None,
    date: tuple[str, str] | None = None,
    targets: tuple[Entity, ...] = (),
) -> Claim:
    text = doc.text
    cue_span, body = at(text, cue[0]), at(text, content)
    return Claim(
        doc_id=doc.doc_id,
        claim_id=claim_id(doc.doc_id, cue_span[0], (body,)),
        kind="indirect",
        source=Source(
            source, *at(text, source),
            entity_id=entity.entity_id if entity else None,
            entity_name=entity.name if entity else None,
            affiliation=affiliation,
        ),
        cue=Cue(cue[0], *cue_span, cue[0], cue[1]),
        content=Content(content, (body,)),
        date=None if date is None else DateRef(date[0], date[1], *at(text, date[0])),
        targets=tuple(EntityRef(t.entity_id, t.name) for t in targets),
    )  # fmt: skip


def records() -> list[tuple[Document, list[Claim]]]:
    sputnik = Document(content_id(SPUTNIK), SPUTNIK, title="Pentagon denies", outlet="Sputnik",
                       published="2017-10-07", entities=(RUSSIAN_MOD, USA, PENTAGON))  # fmt: skip
    wire = Document(content_id(WIRE), WIRE, title="Strike lawful", published="2017-09-30",
                    entities=(PENTAGON, SYRIAN_MOD))  # fmt: skip
    review = Document(content_id(REVIEW), REVIEW, title="Review", published="2017-10-09",
                      entities=(PENTAGON, WASHINGTON))  # fmt: skip
    return [
        (
            sputnik,
            [
                make_claim(
                    sputnik, "the Russian Defense Ministry", ("said", "accuse"),
                    "US forces had let Daesh militants leave Rukban",
                    entity=RUSSIAN_MOD, date=("On Wednesday", "2017-10-04"), targets=(USA,),
                ),
                make_claim(
                    sputnik, "A Pentagon spokesperson", ("denied", "deny"),
                    "the ministry's claim was true",
                    affiliation="pentagon", date=("on Friday", "2017-10-06"),
                    targets=(RUSSIAN_MOD,),
                ),
            ],
        ),
        (
            wire,
            [
                make_claim(wire, "The Pentagon", ("said", "assert"),
                           "the strike near Al-Tanf was lawful", entity=PENTAGON),
                make_claim(wire, "Syria's ministry", ("condemned", "accuse"), "it",
                           entity=SYRIAN_MOD, targets=(PENTAGON,)),
            ],
        ),
        (
            review,
            [
                # The Pentagon speaking about itself: on the timeline in both roles.
                make_claim(review, "the Pentagon", ("said", "assert"),
                           "the Pentagon had cut its presence in Syria", entity=PENTAGON,
                           date=("In September", "2017-09"), targets=(PENTAGON,)),
                make_claim(review, "the ministry", ("said the US", "assert"), "the US had no plan",
                           date=("At some point", "PAST_REF"), targets=(USA,)),
            ],
        ),
    ]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "claims.db"
    with ClaimStore(path) as store:
        for document, claims in records():
            assert store.add(document, claims)
    return path


@pytest.fixture
def store(db: Path) -> Iterator[ClaimStore]:
    with ClaimStore(db) as s:
        yield s


def test_fixture_spans_cut_their_own_text() -> None:
    for document, claims in records():
        for c in claims:
            for span in (c.source, c.cue, c.date):
                if span is not None:
                    assert document.text[span.start : span.end] == span.text
            assert document.text[c.content.start : c.content.end] == c.content.text


def test_entities_are_listed_with_what_they_said_and_what_targets_them(
    store: ClaimStore,
) -> None:
    summary = [(s.entity.entity_id, s.said, s.about) for s in entities(store)]
    # The Pentagon said 3 (one through a spokesperson's affiliation) and is the target of 2;
    # its self-targeting claim counts in both columns.
    assert summary == [
        ("pentagon", 3, 2),
        ("russian-mod", 1, 1),
        ("Q30", 0, 2),
        ("syrian-mod", 1, 0),
        ("Q61", 0, 0),
    ]
    pentagon = entities(store)[0].entity
    assert pentagon.aliases == ("U.S. Department of Defense", "DoD")


def test_timeline_lists_what_the_entity_said_and_what_was_said_about_it(
    store: ClaimStore,
) -> None:
    items = timeline(store, "pentagon")
    assert [(i.date, i.dated_by, i.role, i.source, i.cue_class) for i in items] == [
        # "In September" sorts at its first day, before the wire story of the 30th.
        ("2017-09", "utterance", "said", "Pentagon", "assert"),
        ("2017-09", "utterance", "about", "Pentagon", "assert"),
        ("2017-09-30", "published", "said", "Pentagon", "assert"),
        ("2017-09-30", "published", "about", "Syrian Ministry of Defence", "accuse"),
        ("2017-10-06", "utterance", "said", "A Pentagon spokesperson", "deny"),
    ]
    assert [i.source_text for i in items] == [
        "the Pentagon", "the Pentagon", "The Pentagon", "Syria's ministry",
        "A Pentagon spokesperson",
    ]  # fmt: skip
    denial = items[-1]
    assert denial.affiliation == "pentagon"
    assert denial.content == "the ministry's claim was true"
    assert SPUTNIK[denial.start : denial.end] == denial.content
    assert denial.cue == "denied"
    assert denial.doc_id == content_id(SPUTNIK)
    assert denial.claim_id == records()[0][1][1].claim_id


def test_undated_claims_come_last(store: ClaimStore) -> None:
    items = timeline(store, "United States")
    assert [(i.date, i.role, i.source) for i in items] == [
        ("2017-10-04", "about", "Russian Ministry of Defence"),
        # "PAST_REF" names no day: kept, but after everything dated.
        ("PAST_REF", "about", "the ministry"),
    ]


@pytest.mark.parametrize(
    "name", ["pentagon", "PENTAGON", "Pentagon", "dod", "U.S. Department of Defense", " DoD "]
)
def test_an_entity_is_found_by_id_name_or_alias_in_any_case(store: ClaimStore, name: str) -> None:
    assert find_entity(store, name).entity_id == "pentagon"
    assert len(timeline(store, name)) == 5


def test_a_name_wins_over_an_alias(store: ClaimStore) -> None:
    # "Washington" is the city's name and one of the United States' aliases.
    assert find_entity(store, "washington").entity_id == "Q61"
    assert find_entity(store, "US").entity_id == "Q30"


def test_an_unknown_entity_is_a_clear_error(store: ClaimStore) -> None:
    with pytest.raises(EntityLookupError, match=r"no entity named 'NATO' \(5 entities stored"):
        timeline(store, "NATO")


def test_an_alias_of_two_entities_asks_for_an_id(store: ClaimStore) -> None:
    with pytest.raises(EntityLookupError) as info:
        find_entity(store, "the ministry")
    assert str(info.value) == (
        "'the ministry' is the alias of 2 entities: russian-mod (Russian Ministry of Defence), "
        "syrian-mod (Syrian Ministry of Defence); give one of the ids"
    )


@pytest.mark.parametrize(
    ("value", "start"),
    [
        ("2017-10-06", dt.date(2017, 10, 6)),
        ("2017-09", dt.date(2017, 9, 1)),
        ("2017", dt.date(2017, 1, 1)),
        ("2017-W39", dt.date(2017, 9, 25)),
        ("2017-Q4", dt.date(2017, 10, 1)),
        ("2017-SU", dt.date(2017, 6, 1)),
        ("2017-09-21/2017-09-30", dt.date(2017, 9, 21)),
        ("2017-10-07T09:30:00+00:00", dt.date(2017, 10, 7)),
        ("2017-02-30", None),
        ("2017-W54", None),
        ("PRESENT_REF", None),
        ("", None),
    ],
)
def test_date_start(value: str, start: dt.date | None) -> None:
    assert date_start(value) == start


# -- the commands -----------------------------------------------------------------------------

runner = CliRunner()
WIDE = {"COLUMNS": "220"}


def test_entities_command_prints_each_entity_with_its_counts(db: Path) -> None:
    result = runner.invoke(app, ["entities", "--db", str(db)], env=WIDE)
    assert result.exit_code == 0, result.output
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in result.output.splitlines()
        if line.startswith("│")
    ]
    assert rows == [
        ["Pentagon", "pentagon", "ORG", "Q11208", "U.S. Department of Defense, DoD", "3", "2"],
        ["Russian Ministry of Defence", "russian-mod", "ORG", "",
         "Russian Defense Ministry, the ministry", "1", "1"],
        ["United States", "Q30", "GPE", "Q30", "US, Washington", "0", "2"],
        ["Syrian Ministry of Defence", "syrian-mod", "ORG", "", "the ministry", "1", "0"],
        ["Washington", "Q61", "GPE", "Q61", "Washington, D.C.", "0", "0"],
    ]  # fmt: skip
    assert "entities 5" in result.output


def test_timeline_command_prints_the_dated_list(db: Path) -> None:
    result = runner.invoke(app, ["timeline", "DoD", "--db", str(db)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Pentagon (pentagon, ORG)  said 3  about 2" in result.output
    order = [result.output.index(s) for s in ("2017-09 ", "2017-09-30", "2017-10-06")]
    assert order == sorted(order)
    assert "(published)" in result.output
    assert "denied (deny)" in result.output
    # The article's words, then the entity when it reads otherwise, then the affiliation.
    assert "│ A Pentagon spokesperson " in result.output
    assert "│ for pentagon " in result.output
    assert "│ Syria's ministry " in result.output
    assert "│ → Syrian Ministry of Defence " in result.output
    assert "the ministry's claim was true" in result.output


def test_timeline_command_refuses_an_unknown_entity_in_one_line(db: Path) -> None:
    result = runner.invoke(app, ["timeline", "NATO", "--db", str(db)], env=WIDE)
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error ") and "no entity named 'NATO'" in line


def test_timeline_command_refuses_an_ambiguous_alias(db: Path) -> None:
    result = runner.invoke(app, ["timeline", "the ministry", "--db", str(db)], env=WIDE)
    assert result.exit_code == 1
    assert "russian-mod (Russian Ministry of Defence), syrian-mod" in result.stderr


@pytest.mark.parametrize("command", [["entities"], ["timeline", "Pentagon"]])
def test_commands_refuse_a_missing_database_without_creating_it(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "none.db"
    result = runner.invoke(app, [*command, "--db", str(missing)], env=WIDE)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert f"{missing}: no such database" in line
    assert not missing.exists()


def test_commands_refuse_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n" * 100)
    result = runner.invoke(app, ["entities", "--db", str(notes)], env=WIDE)
    assert result.exit_code == 1
    assert "notes.db: cannot open as a claimgraph database" in result.stderr


def test_names_are_shown_as_written_not_as_markup(tmp_path: Path) -> None:
    text = "[bold]Acme[/bold] Corp said prices would rise."
    odd = Entity("acme", "[bold]Acme[/bold] Corp", "ORG", None, ())
    doc = Document(content_id(text), text, published="2024-01-02", entities=(odd,))
    claim = make_claim(doc, "[bold]Acme[/bold] Corp", ("said", "assert"), "prices would rise",
                       entity=odd)  # fmt: skip
    db = tmp_path / "odd.db"
    with ClaimStore(db) as store:
        store.add(doc, [claim])
    listed = runner.invoke(app, ["entities", "--db", str(db)], env=WIDE)
    assert "[bold]Acme[/bold] Corp" in listed.output
    dated = runner.invoke(app, ["timeline", "[bold]acme[/bold] corp", "--db", str(db)], env=WIDE)
    assert dated.exit_code == 0, dated.output
    assert dated.output.count("[bold]Acme[/bold] Corp") == 2  # heading and source cell
    unknown = runner.invoke(app, ["timeline", "[red]x", "--db", str(db)], env=WIDE)
    assert "no entity named '[red]x'" in unknown.stderr
