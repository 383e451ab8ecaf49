"""claims_to_brat writes what the shared PolNeAR scorer reads back, offsets shifted."""

from __future__ import annotations

import string
from pathlib import Path
from types import ModuleType

from hypothesis import given
from hypothesis import strategies as st

from claimgraph.export.brat import claims_to_brat, document_to_brat, write_ann
from claimgraph.records import Claim, Content, Cue, Document, Source, content_id

REPO = Path(__file__).resolve().parents[2]
SCORER = REPO.parent / "shared" / "tools" / "polnear_score.py"


TEXT = (
    '"We will not back down," the senator said on Tuesday. "Never.\nNot once."\n'
    "Officials denied the report.\tIt was wrong, they said."
)


def span(needle: str, start: int = 0) -> tuple[int, int]:
    i = TEXT.index(needle, start)
    return i, i + len(needle)


def make_claim(
    src: tuple[int, int] | None, cue: tuple[int, int], frags: list[tuple[int, int]]
) -> Claim:
    doc_id = content_id(TEXT)
    return Claim(
        doc_id=doc_id,
        claim_id=f"c{cue[0]}",
        kind="direct",
        source=None if src is None else Source(TEXT[src[0] : src[1]], *src),
        cue=Cue(TEXT[cue[0] : cue[1]], *cue, lemma="say"),
        content=Content(" … ".join(TEXT[s:e] for s, e in frags), tuple(frags)),
    )


SENATOR = span("the senator")
SAID = span("said")
QUOTE1 = span("We will not back down,")
QUOTE2 = span("Never.\nNot once.")
DENIED = span("denied")
OFFICIALS = span("Officials")
REPORT = span("the report")
THEY = span("they")
SAID2 = span("said", DENIED[1])
WRONG = span("It was wrong")

CLAIMS = [
    make_claim(SENATOR, SAID, [QUOTE1, QUOTE2]),
    make_claim(OFFICIALS, DENIED, [REPORT]),
    make_claim(None, SAID2, [WRONG]),
]


def test_exact_lines() -> None:
    ann = claims_to_brat(CLAIMS[1:], offset=0)
    assert ann == (
        f"T1\tCue {DENIED[0]} {DENIED[1]}\tdenied\n"
        f"T2\tSource {OFFICIALS[0]} {OFFICIALS[1]}\tOfficials\n"
        f"T3\tContent {REPORT[0]} {REPORT[1]}\tthe report\n"
        "E1\tAttribution:T1 Source:T2 Cue:T1 Content:T3\n"
        f"T4\tCue {SAID2[0]} {SAID2[1]}\tsaid\n"
        f"T5\tContent {WRONG[0]} {WRONG[1]}\tIt was wrong\n"
        "E2\tAttribution:T4 Cue:T4 Content:T5\n"
    )


def test_discontinuous_content_and_clean_text_column() -> None:
    ann = claims_to_brat(CLAIMS[:1], offset=0, text=TEXT)
    line = next(x for x in ann.splitlines() if x.split("\t")[1].startswith("Content"))
    assert line.split("\t")[1] == (f"Content {QUOTE1[0]} {QUOTE1[1]};{QUOTE2[0]} {QUOTE2[1]}")
    # brat's convention: fragment texts joined by a space; the newline became a space.
    assert line.split("\t")[2] == "We will not back down, Never. Not once."
    assert len(ann.splitlines()) == 4


def test_text_column_without_document_text_rebuilds_fragments() -> None:
    with_text = claims_to_brat(CLAIMS, text=TEXT)
    assert claims_to_brat(CLAIMS) == with_text


def test_no_tabs_or_line_breaks_in_text_column() -> None:
    odd = "a\tb\nc\rd\x0be\x0cf\x1cg\x1dh\x1ei\x85j\u2028k\u2029l"
    claim = Claim(
        doc_id="d",
        claim_id="c",
        kind="direct",
        source=None,
        cue=Cue("said", 0, 4, "say"),
        content=Content(odd, ((5, 5 + len(odd)),)),
    )
    ann = claims_to_brat([claim])
    assert ann.count("\n") == len(ann.splitlines()) == 3
    assert all(line.count("\t") == (1 if line.startswith("E") else 2) for line in ann.splitlines())
    assert ann.splitlines()[1].split("\t")[2] == "a b c d e f g h i j k l"


def test_shared_spans_get_one_id() -> None:
    # Two claims with the same source and cue ("X said A and B" read as two contents).
    a = make_claim(SENATOR, SAID, [QUOTE1])
    b = make_claim(SENATOR, SAID, [QUOTE2])
    lines = claims_to_brat([a, b]).splitlines()
    assert [x.split("\t")[0] for x in lines] == ["T1", "T2", "T3", "E1", "T4", "E2"]
    assert lines[-1] == "E2\tAttribution:T1 Source:T2 Cue:T1 Content:T4"


def test_roundtrip_through_shared_parser_with_offset(polnear_scorer: ModuleType) -> None:
    scorer = polnear_scorer
    header = "date 2017-10-07\n\n"
    doc = Document(doc_id=content_id(TEXT), text=TEXT, offset=len(header))
    rels = scorer.parse_ann(document_to_brat(doc, CLAIMS))
    k = len(header)

    def sh(*frags: tuple[int, int]) -> tuple[tuple[int, int], ...]:
        return tuple((s + k, e + k) for s, e in frags)

    assert rels == [
        {"Source": sh(SENATOR), "Cue": sh(SAID), "Content": sh(QUOTE1, QUOTE2)},
        {"Source": sh(OFFICIALS), "Cue": sh(DENIED), "Content": sh(REPORT)},
        {"Cue": sh(SAID2), "Content": sh(WRONG)},
    ]
    # The shifted offsets index into the original file.
    original = header + TEXT
    for line in document_to_brat(doc, CLAIMS).splitlines():
        if line.startswith("T"):
            _, head, surface = line.split("\t")
            frags = [tuple(map(int, p.split())) for p in head.partition(" ")[2].split(";")]
            expected = " ".join(original[s:e] for s, e in frags)
            assert surface == expected.replace("\n", " ").replace("\t", " ")


def test_write_ann(tmp_path: Path) -> None:
    doc = Document(doc_id=content_id(TEXT), text=TEXT)
    path = tmp_path / "a.ann"
    write_ann(path, doc, CLAIMS)
    assert path.read_bytes() == document_to_brat(doc, CLAIMS).encode("utf-8")
    assert b"\r" not in path.read_bytes()


def test_no_claims_is_empty_file() -> None:
    assert claims_to_brat([]) == ""


ALPHABET = string.ascii_letters + " \t\n\r\x0b\x0c\x1c\x85\u2028\u2029…\"“”'"


@st.composite
def claims_over_text(draw: st.DrawFn) -> tuple[str, int, list[Claim]]:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=60))
    n = len(text)
    offset = draw(st.integers(0, 500))
    pos = st.integers(0, n)

    def piece() -> tuple[int, int]:
        a, b = draw(pos), draw(pos)
        return (min(a, b), max(a, b))

    claims = []
    for i in range(draw(st.integers(0, 4))):
        cue = piece()
        src = draw(st.one_of(st.none(), st.builds(piece)))
        frags = tuple(sorted({piece() for _ in range(draw(st.integers(1, 3)))}))
        claims.append(
            Claim(
                doc_id="d",
                claim_id=str(i),
                kind="direct",
                source=None if src is None else Source(text[src[0] : src[1]], *src),
                cue=Cue(text[cue[0] : cue[1]], *cue, lemma="say"),
                content=Content(" … ".join(text[s:e] for s, e in frags), frags),
            )
        )
    return text, offset, claims


@given(claims_over_text())
def test_roundtrip_random(polnear_scorer: ModuleType, case: tuple[str, int, list[Claim]]) -> None:
    scorer = polnear_scorer
    text, offset, claims = case
    ann = claims_to_brat(claims, offset, text=text)
    rels = scorer.parse_ann(ann)
    assert len(rels) == len(claims)
    for rel, claim in zip(rels, claims, strict=True):
        assert rel["Cue"] == ((claim.cue.start + offset, claim.cue.end + offset),)
        assert rel["Content"] == tuple((s + offset, e + offset) for s, e in claim.content.fragments)
        if claim.source is None:
            assert "Source" not in rel
        else:
            assert rel["Source"] == ((claim.source.start + offset, claim.source.end + offset),)


def test_narrative_records_are_not_attributions() -> None:
    from claimgraph.records import Claim, Content, Cue

    narrative = Claim(
        doc_id="d",
        claim_id="n1",
        kind="narrative",
        source=None,
        cue=Cue("left", 10, 14, "leave", "other"),
        content=Content("militants left the city", ((0, 23),)),
    )
    assert claims_to_brat([narrative]) == ""
