"""The PolNeAR harness scores exactly as the shared scorer ``tools/polnear_score.py`` does."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimgraph.eval import polnear
from claimgraph.export.brat import claims_to_brat
from claimgraph.records import Document, content_id

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "polnear_score.py"
POLNEAR = SHARED / "data" / "polnear"


def polnear_split(name: str) -> Path:
    path = POLNEAR / name
    if not (path / "text").is_dir():
        pytest.skip(f"PolNeAR {name} split not found at {path} (../shared/data is missing)")
    return path


# --- synthetic gold and predictions --------------------------------------------------------

TEXT_A = "Trump said the wall would be built. “It will be beautiful,” he added, “and cheap.”\n"
TEXT_B = "According to the poll, Clinton leads. Aides deny it.\n"

# Article a: two annotators; "a_aaaa" sorts first and is the gold. E lines name T ids defined
# later, one relation has no Source, and the third relation's Content is discontinuous.
GOLD_A = """\
E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1
T1\tSource 0 5\tTrump
T2\tCue 6 10\tsaid
T3\tContent 11 34\tthe wall would be built
T4\tAttribution 6 10\tsaid
T5\tContent 37 58;71 81\tIt will be beautiful, and cheap.
T6\tSource 60 62\the
T7\tCue 63 68\tadded
E2\tAttribution:T7 Content:T5 Cue:T7 Source:T6
T8\tCue 6 10\tsaid
E3\tAttribution:T8 Cue:T8
"""
GOLD_A_OTHER = "T1\tCue 0 5\tTrump\nE1\tAttribution:T1 Cue:T1\n"
GOLD_B = """\
T1\tCue 0 12\tAccording to
T2\tSource 13 21\tthe poll
T3\tContent 23 36\tClinton leads
E1\tAttribution:T1 Cue:T1 Source:T2 Content:T3
T4\tSource 38 43\tAides
T5\tCue 44 48\tdeny
T6\tContent 49 51\tit
E2\tAttribution:T5 Cue:T5 Source:T4 Content:T6
T7\tSource 38 43\tAides
T8\tCue 44 48\tdeny
T9\tContent 49 51\tit
E3\tAttribution:T8 Cue:T8 Source:T7 Content:T9
"""
# Predictions: a: the first relation exact, the second with the whole quote as one content
# and too wide a source ("he added"), a spurious third; b: the duplicated relation once, its
# source split over Source and Source2 (merged by the parser); c: no prediction file at all.
PRED_A = """\
T1\tSource 0 5\tTrump
T2\tCue 6 10\tsaid
T3\tContent 11 34\tthe wall would be built
E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3
T4\tContent 36 82\t“It will be beautiful,” he added, “and cheap.”
T5\tSource 60 68\the added
T6\tCue 63 68\tadded
E2\tAttribution:T6 Source:T5 Cue:T6 Content:T4
E3\tAttribution:T9 Cue:T9 Content:T8
T8\tContent 0 34\tTrump said the wall would be built
T9\tCue 63 68\tadded
"""
PRED_B = """\
T1\tSource 38 40\tAi
T2\tSource2 40 43\tdes
T3\tCue 44 48\tdeny
T4\tContent 49 51\tit
E1\tAttribution:T3 Source:T1 Source2:T2 Cue:T3 Content:T4
"""


def write_synthetic(root: Path) -> tuple[Path, Path]:
    gold, pred = root / "gold", root / "pred"
    (gold / "text").mkdir(parents=True)
    (gold / "attributions").mkdir()
    pred.mkdir()
    for stem, text in (("a", TEXT_A), ("b", TEXT_B), ("c", "Nobody said anything.\n")):
        (gold / "text" / f"{stem}.txt").write_text(text, encoding="utf-8")
    (gold / "text" / "notes.md").write_text("not an article", encoding="utf-8")
    (gold / "text" / "d.txt").write_text("No annotations for this one.", encoding="utf-8")
    for name, ann in (
        ("a_zzzz.ann", GOLD_A_OTHER),
        ("a_aaaa.ann", GOLD_A),
        ("b_1234.ann", GOLD_B),
        ("c_1234.ann", ""),
    ):
        (gold / "attributions" / name).write_text(ann, encoding="utf-8")
    (pred / "a.ann").write_text(PRED_A, encoding="utf-8")
    (pred / "b.ann").write_text(PRED_B, encoding="utf-8")
    return gold, pred


def test_synthetic_known_scores(tmp_path: Path) -> None:
    gold_dir, pred_dir = write_synthetic(tmp_path)
    gold = polnear.load_gold(gold_dir)
    assert list(gold) == ["a", "b", "c"]
    assert gold["a"][1] == {
        "Content": ((37, 58), (71, 81)),
        "Cue": ((63, 68),),
        "Source": ((60, 62),),
    }
    assert gold["a"][2] == {"Cue": ((6, 10),)}
    pred = polnear.load_pred(pred_dir, gold)
    assert pred["c"] == []
    assert pred["b"] == [
        {"Source": ((38, 40), (40, 43)), "Cue": ((44, 48),), "Content": ((49, 51),)}
    ]
    res = polnear.score(gold, pred)
    assert (res["articles"], res["gold_relations"], res["pred_relations"]) == (3, 6, 4)
    # Cues: said, added, said | added, added | deny: 3 of 4 predicted equal a gold cue once.
    assert res["exact"]["Cue"] == {"p": 75.0, "r": 50.0, "f1": 60.0}
    # Only Trump's source is exact; "he added" and the split "Ai"+"des" are not.
    assert res["exact"]["Source"] == {"p": 33.3, "r": 20.0, "f1": 25.0}
    # Every predicted cue is exact; "According to" is missed: recall 5/6.
    assert res["jaccard"]["Cue"] == {"p": 100.0, "r": 83.3, "f1": 90.9}
    # Trump's relation and "Aides deny it" match; "he added" fails the source test
    # (Jaccard 2/8) though its content passes (31/46).
    assert res["relation"] == {"p": 50.0, "r": 33.3, "f1": 40.0}


def test_synthetic_equals_shared_scorer(polnear_scorer: ModuleType, tmp_path: Path) -> None:
    scorer = polnear_scorer
    gold_dir, pred_dir = write_synthetic(tmp_path)
    ours = polnear.score(polnear.load_gold(gold_dir), polnear.load_pred(pred_dir, ["a", "b", "c"]))
    gold = scorer.load_gold(str(gold_dir))
    theirs = scorer.score(gold, scorer.load_pred(str(pred_dir), gold))
    assert ours == theirs
    # And the printed table is the same text.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert scorer.main([str(gold_dir), str(pred_dir)]) == 0
    assert polnear.format_scores(ours) + "\n" == out.getvalue()


def test_limit_keeps_first_articles(tmp_path: Path) -> None:
    gold_dir, _ = write_synthetic(tmp_path)
    assert [s for s, _ in polnear.list_articles(gold_dir, limit=2)] == ["a", "b"]
    assert list(polnear.load_gold(gold_dir, limit=1)) == ["a"]


def test_bad_gold_file_is_reported_and_skipped(tmp_path: Path) -> None:
    gold_dir, _ = write_synthetic(tmp_path)
    (gold_dir / "attributions" / "b_1234.ann").write_text("T1\tCue 0 x\tbad\n", encoding="utf-8")
    errors: list[str] = []
    gold = polnear.load_gold(gold_dir, on_error=errors.append)
    assert list(gold) == ["a", "c"]
    assert len(errors) == 1
    assert "b_1234.ann" in errors[0] and "cannot read gold" in errors[0]


def test_failing_component_is_reported_and_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimgraph.nlp import components

    def speakers_fail_on_aides(doc, attributions) -> None:  # type: ignore[no-untyped-def]
        if "Aides" in doc.text:
            raise RuntimeError("no speaker table")

    monkeypatch.setattr(components, "resolve_speakers", speakers_fail_on_aides)
    gold_dir, _ = write_synthetic(tmp_path)
    errors: list[str] = []
    polnear.evaluate_polnear(gold_dir, pred_dir=tmp_path / "out", on_error=errors.append)
    assert errors == [
        f"{gold_dir / 'text' / 'b.txt'}: claimgraph_speakers: RuntimeError: no speaker table"
    ]
    # The other components still ran on b: "Trump said ..." and the rest are predicted.
    assert "Cue" in (tmp_path / "out" / "a.ann").read_text(encoding="utf-8")


def test_crashing_pipeline_costs_only_that_article(tmp_path: Path) -> None:
    from spacy.language import Language

    from claimgraph.nlp.pipeline import build_nlp

    @Language.component("test_polnear_boom")
    def boom(doc):  # type: ignore[no-untyped-def]
        if "Aides" in doc.text:
            raise ValueError("boom")
        return doc

    nlp = build_nlp()
    nlp.add_pipe("test_polnear_boom", first=True)
    gold_dir, _ = write_synthetic(tmp_path)
    errors: list[str] = []
    out = tmp_path / "out"
    res = polnear.evaluate_polnear(gold_dir, nlp=nlp, pred_dir=out, on_error=errors.append)
    assert errors == [
        f"{gold_dir / 'text' / 'b.txt'}: pipeline failed, counted as predicting nothing: "
        "ValueError: boom"
    ]
    assert (out / "b.ann").read_text(encoding="utf-8") == ""
    assert "Trump" in (out / "a.ann").read_text(encoding="utf-8")
    assert res["articles"] == 3
    assert res["pred_relations"] > 0


# --- random relation sets -----------------------------------------------------------------

frag = st.tuples(st.integers(0, 40), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1]))
frags = st.lists(frag, min_size=1, max_size=3).map(lambda f: tuple(sorted(f)))
relation = st.fixed_dictionaries(
    {}, optional={"Source": frags, "Cue": frags, "Content": frags}
).filter(lambda r: "Cue" in r or "Content" in r)
article_rels = st.lists(relation, max_size=6)
stems = st.sampled_from(["a", "b", "c", "d"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(stems, article_rels, min_size=1), st.dictionaries(stems, article_rels))
def test_random_relations_equal_shared_scorer(
    polnear_scorer: ModuleType, gold: dict, pred: dict
) -> None:
    scorer = polnear_scorer
    assert polnear.score(gold, pred) == scorer.score(gold, pred)


def to_ann(rels: list[dict]) -> str:
    lines, n = [], 0
    for i, rel in enumerate(rels, start=1):
        args = []
        for role, fr in rel.items():
            n += 1
            where = ";".join(f"{s} {e}" for s, e in fr)
            lines.append(f"T{n}\t{role} {where}\tx")
            args.append(f"{role}:T{n}")
        lines.append(f"E{i}\tAttribution:T1 {' '.join(args)}")
    return "\n".join(lines[::-1])  # events before the T lines they name


@settings(max_examples=200, deadline=None)
@given(article_rels)
def test_random_ann_parse_equals_shared_parser(
    polnear_scorer: ModuleType, rels: list[dict]
) -> None:
    scorer = polnear_scorer
    text = to_ann(rels)
    assert polnear.parse_ann(text) == scorer.parse_ann(text)


# --- the real corpus ---------------------------------------------------------------------


def test_three_dev_articles_match_shared_scorer_script(
    polnear_scorer: ModuleType, tmp_path: Path
) -> None:
    dev = polnear_split("dev")
    chosen = [s for s, _ in polnear.list_articles(dev)][:3]
    gold = tmp_path / "gold"
    (gold / "text").mkdir(parents=True)
    (gold / "attributions").mkdir()
    for stem in chosen:
        os.symlink(dev / "text" / f"{stem}.txt", gold / "text" / f"{stem}.txt")
        for ann in (dev / "attributions").glob(f"{stem}_*.ann"):
            os.symlink(ann, gold / "attributions" / ann.name)
    pred = tmp_path / "pred"
    done: list[int] = []
    errors: list[str] = []
    ours = polnear.evaluate_polnear(
        gold, pred_dir=pred, progress=done.append, on_error=errors.append
    )
    assert errors == []
    assert sum(done) == 3
    assert sorted(p.stem for p in pred.glob("*.ann")) == chosen
    run = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout) == ours
    assert ours["articles"] == 3
    assert ours["gold_relations"] > 0
    table = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(pred)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert table.stdout == polnear.format_scores(ours) + "\n"


@pytest.mark.slow
def test_pipeline_over_whole_corpus(polnear_scorer: ModuleType) -> None:
    """Every train+dev article runs through the rule pipeline without a crash and every
    span indexes the text (the tagger's share is checked on dev below: over all 924
    articles it would take ten minutes)."""
    _check_corpus(["train", "dev"], 924, "rules")


@pytest.mark.slow
def test_default_pipeline_over_dev(polnear_scorer: ModuleType) -> None:
    """The default pipeline (with the learned tagger when installed) over the dev split."""
    _check_corpus(["dev"], 84, None)


def _check_corpus(names: list[str], expected: int, attribution: str | None) -> None:
    splits = [polnear_split(name) for name in names]
    paths = sorted(p for split in splits for p in (split / "text").glob("*.txt"))
    assert len(paths) == expected
    documents = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        documents.append(Document(doc_id=content_id(text), text=text, origin=path.name))
    from claimgraph.nlp.pipeline import shared_nlp

    errors: list[str] = []
    nlp = shared_nlp(attribution=attribution)
    bad: list[str] = []
    n_claims = 0
    for i in range(0, len(documents), 32):
        batch = documents[i : i + 32]
        for document, claims in zip(
            batch, polnear._claims_robust(batch, nlp, 16, errors.append), strict=True
        ):
            text = document.text
            for c in claims:
                n_claims += 1
                spans = [(c.cue.text, c.cue.start, c.cue.end)]
                if c.source is not None:
                    spans.append((c.source.text, c.source.start, c.source.end))
                if c.medium is not None:
                    spans.append((c.medium.text, c.medium.start, c.medium.end))
                if c.date is not None:
                    spans.append((c.date.text, c.date.start, c.date.end))
                spans += [(x.text, x.start, x.end) for x in (*c.dates, *c.places)]
                for s, e in c.content.fragments:
                    spans.append((text[s:e], s, e))
                    if not (0 <= s <= e <= len(text)):
                        bad.append(f"{document.origin}: content fragment {s}-{e} out of range")
                if c.content.text != " … ".join(text[s:e] for s, e in c.content.fragments):
                    bad.append(f"{document.origin}: content text differs from its fragments")
                for surface, s, e in spans:
                    if text[s:e] != surface or not 0 <= s <= e <= len(text):
                        bad.append(f"{document.origin}: {s}-{e} {surface!r} != {text[s:e]!r}")
            rels = polnear.parse_ann(claims_to_brat(claims, text=text))
            # narrative records are the outlet's own reports, not attributions
            assert len(rels) == sum(c.kind != "narrative" for c in claims), document.origin
    assert errors == []
    assert bad == []
    print(f"{len(documents)} articles, {n_claims} claims")
