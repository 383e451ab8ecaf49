"""PolNeAR evaluation: run the pipeline over PolNeAR articles and score it against the gold.

The scoring is a faithful port of the shared scorer ``tools/polnear_score.py`` (which the
project cannot import at run time): same gold loading (``text/<stem>.txt``, the
alphabetically first annotator's ``attributions/<stem>_<annotator>.ann``), same brat
parsing, same metrics and rounding, same result dict and the same printed table, so
``evaluate_polnear(d)`` equals ``polnear_score.py d PRED --json`` on the ``.ann`` files it
writes. Predictions go through ``export.brat.claims_to_brat`` and back through
``parse_ann``, so what is scored is exactly what a written ``.ann`` file holds.

Metrics, per role (Source, Cue, Content), micro-averaged over articles:
  exact   - a predicted span counts only if its fragments equal a gold span's
  jaccard - precision = mean over predicted spans of the best character Jaccard with a
            gold span of the same role; recall symmetric
Relations: a predicted attribution matches a gold one (one-to-one, greedy) when Content
Jaccard >= 0.5, Cue overlaps, and Source Jaccard >= 0.5 (or both have no Source).
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language

from claimgraph.export.brat import document_to_brat
from claimgraph.nlp.pipeline import extract_claims, shared_nlp
from claimgraph.records import Claim, Document, content_id

log = logging.getLogger(__name__)

ROLES = ("Source", "Cue", "Content")

Fragments = tuple[tuple[int, int], ...]
Relation = dict[str, Fragments]


# --- scoring: ported from tools/polnear_score.py; keep it line for line -----------------


def parse_ann(text: str) -> list[Relation]:
    """Return relations as {role: fragments}; fragments sorted (start, end)."""
    spans: dict[str, tuple[str, Fragments]] = {}
    events: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            head = cols[1]
            kind, _, offsets = head.partition(" ")
            frags = []
            for part in offsets.split(";"):
                s, e = part.split()
                frags.append((int(s), int(e)))
            spans[cols[0]] = (kind, tuple(sorted(frags)))
        elif line.startswith("E") and len(cols) >= 2:
            events.append(cols[1])
    relations = []
    for ev in events:
        rel: Relation = {}
        for arg in ev.split():
            role, _, tid = arg.partition(":")
            role = re.sub(r"\d+$", "", role)
            if role not in ROLES or tid not in spans:
                continue
            frags_ = spans[tid][1]
            if role in rel:  # several args of one role: merge fragments
                frags_ = tuple(sorted(rel[role] + frags_))
            rel[role] = frags_
        if "Content" in rel or "Cue" in rel:
            relations.append(rel)
    return relations


def _read(path: str) -> str:
    # Universal-newline text mode, as the scorer reads: offsets index into this string.
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def annotator_files(gold_dir: Path | str, limit: int | None = None) -> list[tuple[str, list[str]]]:
    """(stem, its annotators' .ann file names, alphabetically) of each scored article, in
    the scorer's order; the first file is the gold."""
    gold_dir = os.fspath(gold_dir)
    texts = sorted(f[:-4] for f in os.listdir(os.path.join(gold_dir, "text")) if f.endswith(".txt"))
    anns = sorted(os.listdir(os.path.join(gold_dir, "attributions")))
    out = []
    for stem in texts:
        cands = [a for a in anns if a.startswith(stem + "_") and a.endswith(".ann")]
        if cands:
            out.append((stem, cands))
    return out if limit is None else out[:limit]


def list_articles(gold_dir: Path | str, limit: int | None = None) -> list[tuple[str, str]]:
    """(stem, gold .ann file name) of each scored article, in the scorer's order."""
    return [(stem, anns[0]) for stem, anns in annotator_files(gold_dir, limit)]


def load_gold(
    gold_dir: Path | str,
    limit: int | None = None,
    on_error: Callable[[str], None] | None = None,
) -> dict[str, list[Relation]]:
    """Gold relations per article stem (the alphabetically first annotator's file).

    An unreadable gold file is reported through ``on_error`` and its article left out
    (the shared scorer would stop there).
    """
    report = on_error or log.error
    gold = {}
    for stem, ann in list_articles(gold_dir, limit):
        path = os.path.join(os.fspath(gold_dir), "attributions", ann)
        try:
            gold[stem] = parse_ann(_read(path))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            report(f"{path}: cannot read gold annotations: {exc}")
    return gold


def load_pred(
    pred_dir: Path | str, stems: Iterable[str], on_error: Callable[[str], None] | None = None
) -> dict[str, list[Relation]]:
    """Predicted relations per stem; a missing file predicts nothing."""
    report = on_error or log.error
    pred = {}
    for stem in stems:
        path = os.path.join(os.fspath(pred_dir), stem + ".ann")
        pred[stem] = []
        if os.path.exists(path):
            try:
                pred[stem] = parse_ann(_read(path))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                report(f"{path}: cannot read predictions, counted as none: {exc}")
    return pred


def chars(frags: Iterable[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in frags:
        out.update(range(s, e))
    return out


def jaccard(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> float:
    ca, cb = chars(a), chars(b)
    if not ca and not cb:
        return 1.0
    return len(ca & cb) / len(ca | cb) if (ca | cb) else 0.0


def prf(tp_p: float, n_p: int, tp_r: float, n_g: int) -> dict[str, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(100 * p, 1), "r": round(100 * r, 1), "f1": round(100 * f, 1)}


def score(gold: dict[str, list[Relation]], pred: dict[str, list[Relation]]) -> dict[str, Any]:
    """The scorer's result dict: counts, per-role exact and Jaccard P/R/F1, relation P/R/F1."""
    out: dict[str, Any] = {"articles": len(gold), "gold_relations": 0, "pred_relations": 0}
    exact = {r: [0, 0, 0] for r in ROLES}  # tp, n_pred, n_gold
    jac: dict[str, list[float]] = {r: [0.0, 0, 0.0, 0] for r in ROLES}  # sum best p, n_pred, ...
    rel_tp = 0
    for stem, grels in gold.items():
        prels = pred.get(stem, [])
        out["gold_relations"] += len(grels)
        out["pred_relations"] += len(prels)
        for role in ROLES:
            g = [r[role] for r in grels if role in r]
            p = [r[role] for r in prels if role in r]
            gcount: dict[Fragments, int] = defaultdict(int)
            for x in g:
                gcount[x] += 1
            tp = 0
            for x in p:
                if gcount[x] > 0:
                    gcount[x] -= 1
                    tp += 1
            exact[role][0] += tp
            exact[role][1] += len(p)
            exact[role][2] += len(g)
            jac[role][0] += sum(max((jaccard(x, y) for y in g), default=0.0) for x in p)
            jac[role][1] += len(p)
            jac[role][2] += sum(max((jaccard(y, x) for x in p), default=0.0) for y in g)
            jac[role][3] += len(g)
        used: set[int] = set()
        for pr in prels:
            for i, gr in enumerate(grels):
                if i in used:
                    continue
                if jaccard(pr.get("Content", ()), gr.get("Content", ())) < 0.5:
                    continue
                if not (chars(pr.get("Cue", ())) & chars(gr.get("Cue", ()))):
                    continue
                if ("Source" in pr) != ("Source" in gr):
                    continue
                if "Source" in gr and jaccard(pr["Source"], gr["Source"]) < 0.5:
                    continue
                used.add(i)
                rel_tp += 1
                break
    out["exact"] = {r: prf(v[0], v[1], v[0], v[2]) for r, v in exact.items()}
    out["jaccard"] = {r: prf(v[0], int(v[1]), v[2], int(v[3])) for r, v in jac.items()}
    out["relation"] = prf(rel_tp, out["pred_relations"], rel_tp, out["gold_relations"])
    return out


def format_scores(res: dict[str, Any]) -> str:
    """The scorer's printed table (without a final newline)."""
    lines = [
        f"articles {res['articles']}  gold relations {res['gold_relations']}  "
        f"predicted {res['pred_relations']}",
        f"{'role':8} {'exact P':>8} {'R':>6} {'F1':>6}   {'jaccard P':>9} {'R':>6} {'F1':>6}",
    ]
    for r in ROLES:
        e, j = res["exact"][r], res["jaccard"][r]
        lines.append(f"{r:8} {e['p']:8} {e['r']:6} {e['f1']:6}   {j['p']:9} {j['r']:6} {j['f1']:6}")
    rel = res["relation"]
    lines.append(f"relation P {rel['p']} R {rel['r']} F1 {rel['f1']}")
    return "\n".join(lines)


def format_side_by_side(results: dict[str, dict[str, Any]]) -> str:
    """Exact F1 per role, Jaccard F1 and relation P/R/F1 of several systems, one column
    each (``results``: system name → the scorer's result)."""
    names = list(results)
    width = max(10, *(len(n) + 2 for n in names))
    head = f"{'':20}" + "".join(f"{n:>{width}}" for n in names)
    rows = [head]

    def row(label: str, get: Callable[[dict[str, Any]], Any]) -> None:
        rows.append(f"{label:20}" + "".join(f"{get(results[n])!s:>{width}}" for n in names))

    row("predicted", lambda r: r["pred_relations"])
    for role in ROLES:
        row(f"{role} exact F1", lambda r, role=role: r["exact"][role]["f1"])
    for role in ROLES:
        row(f"{role} jaccard F1", lambda r, role=role: r["jaccard"][role]["f1"])
    for key in ("p", "r", "f1"):
        row(f"relation {key.upper() if key != 'f1' else 'F1'}", lambda r, k=key: r["relation"][k])
    first = next(iter(results.values()))
    return f"articles {first['articles']}  gold relations {first['gold_relations']}\n" + "\n".join(
        rows
    )


# --- running the pipeline ---------------------------------------------------------------


def read_article(gold_dir: Path | str, stem: str) -> Document:
    """The article as a ``Document``: PolNeAR texts have no header, so offset 0."""
    path = os.path.join(os.fspath(gold_dir), "text", stem + ".txt")
    text = _read(path)
    return Document(doc_id=content_id(text), text=text, origin=path)


def _claims_robust(
    documents: list[Document], nlp: Language, batch_size: int, report: Callable[[str], None]
) -> list[list[Claim]]:
    """Claims of each document of a batch, in order.

    A component that fails on a document is reported (the document keeps what the other
    components found). If the batch itself fails, it is run again one document at a time so
    that one bad article costs only its own predictions.
    """

    def run(docs: list[Document], size: int) -> tuple[list[list[Claim]], list[str]]:
        messages: list[str] = []
        out = [
            claims
            for _, claims in extract_claims(
                docs,
                nlp=nlp,
                batch_size=size,
                on_error=lambda doc, msg: messages.append(f"{doc.origin}: {msg}"),
            )
        ]
        return out, messages

    try:
        results, messages = run(documents, batch_size)
    except Exception:  # isolate the failing article below
        results, messages = [], []
        for document in documents:
            try:
                one, msgs = run([document], 1)
            except Exception as exc:  # one bad article must not stop the run
                one = [[]]
                msgs = [
                    f"{document.origin}: pipeline failed, counted as predicting nothing: "
                    f"{type(exc).__name__}: {exc}"
                ]
            results.extend(one)
            messages.extend(msgs)
    for message in messages:
        report(message)
    return results


def predict_polnear(
    gold_dir: Path | str,
    stems: Iterable[str],
    *,
    nlp: Language | None = None,
    pred_dir: Path | None = None,
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> dict[str, list[Relation]]:
    """Run the pipeline over the articles' texts; relations per stem, as a .ann reader sees them.

    With ``pred_dir``, also write ``<pred_dir>/<stem>.ann`` for each article.
    """
    report = on_error or log.error
    nlp = nlp or shared_nlp()
    if pred_dir is not None:
        Path(pred_dir).mkdir(parents=True, exist_ok=True)
    pred: dict[str, list[Relation]] = {}

    def batches() -> Iterator[list[tuple[str, Document]]]:
        batch: list[tuple[str, Document]] = []
        for stem in stems:
            try:
                batch.append((stem, read_article(gold_dir, stem)))
            except (OSError, UnicodeDecodeError) as exc:
                report(f"{stem}.txt: cannot read text, counted as predicting nothing: {exc}")
                pred[stem] = []
                if progress is not None:
                    progress(1)
                continue
            if len(batch) == batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    for batch in batches():
        documents = [document for _, document in batch]
        for (stem, document), claims in zip(
            batch, _claims_robust(documents, nlp, batch_size, report), strict=True
        ):
            ann = document_to_brat(document, claims)
            if pred_dir is not None:
                (Path(pred_dir) / f"{stem}.ann").write_text(ann, encoding="utf-8", newline="\n")
            pred[stem] = parse_ann(ann)
            if progress is not None:
                progress(1)
    return pred


def evaluate_polnear(
    dir: Path | str,  # the name the CLI passes; shadows the builtin on purpose
    *,
    nlp: Language | None = None,
    pred_dir: Path | None = None,
    limit: int | None = None,
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the pipeline over a PolNeAR split (``dir`` holds text/ and attributions/) and score it.

    Returns the shared scorer's result dict. ``pred_dir`` also writes the predicted ``.ann``
    files (for running the shared scorer on them), ``limit`` keeps the first N articles,
    ``progress`` is called with the number of articles just finished (1 each time),
    ``on_error`` gets one line per article that could not be read or processed (default:
    logged).
    """
    gold = load_gold(dir, limit, on_error)
    pred = predict_polnear(
        dir,
        list(gold),
        nlp=nlp,
        pred_dir=pred_dir,
        batch_size=batch_size,
        progress=progress,
        on_error=on_error,
    )
    return score(gold, pred)
