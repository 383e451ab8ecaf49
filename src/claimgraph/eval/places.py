"""Place evaluation: run the pipeline over news toponym gold (LGL / TR-News / GeoVirus style)
and score recognition and geocoding.

The scoring is a faithful port of the shared scorer ``tools/places_score.py`` (which the
project cannot import at run time): same matching (a predicted place matches a gold toponym
when the spans overlap, one to one, gold in order), same handling of gold toponyms without
coordinates (ignored, and predictions overlapping them are not scored), same rounding and the
same one-line summary, so ``evaluate_places(gold)`` equals ``places_score.py gold PRED --json``
on the JSONL that ``claimgraph extract --format jsonl`` writes for the same texts.

  recognition P/R/F1   a predicted place matches a gold toponym when the spans overlap
  acc@161km            of the matched gold toponyms, the share geocoded within 161 km
  end-to-end recall    gold toponyms found AND within 161 km, over all gold toponyms
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.language import Language

from claimgraph.ingest.errors import IngestError
from claimgraph.ingest.tabular import document_from_record
from claimgraph.nlp.pipeline import extract_claims, shared_nlp
from claimgraph.nlp.places import km  # the scorer's haversine, line for line
from claimgraph.records import Document

# --- scoring: ported from tools/places_score.py; keep it line for line -------------------


def score(gold_docs: list[dict[str, Any]], pred_docs: dict[str, list[dict[str, Any]]]) -> dict:
    """Score predicted places (keyed by document text) against the gold documents."""
    n_gold = n_pred_scored = matched = close = 0
    errors: list[float] = []
    for d in gold_docs:
        gold = [t for t in d["toponyms"] if t.get("lat") is not None and t.get("lon") is not None]
        preds = [p for p in pred_docs.get(d["text"], []) if isinstance(p, dict) and "start" in p]
        # a prediction on a toponym that the gold leaves without coordinates is not scored
        unscored = [t for t in d["toponyms"] if t not in gold]
        preds = [
            p
            for p in preds
            if not any(p["start"] < t["end"] and t["start"] < p["end"] for t in unscored)
        ]
        n_gold += len(gold)
        n_pred_scored += len(preds)
        used: set[int] = set()
        for g in gold:
            for i, p in enumerate(preds):
                if i in used or not (p["start"] < g["end"] and g["start"] < p["end"]):
                    continue
                used.add(i)
                matched += 1
                if p.get("lat") is not None and p.get("lon") is not None:
                    e = km(float(g["lat"]), float(g["lon"]), float(p["lat"]), float(p["lon"]))
                    errors.append(e)
                    close += e <= 161
                break
    p = matched / n_pred_scored if n_pred_scored else 0.0
    r = matched / n_gold if n_gold else 0.0
    errors.sort()
    return {
        "documents": len(gold_docs),
        "gold_toponyms": n_gold,
        "pred_places": n_pred_scored,
        "recognition": {
            "p": round(100 * p, 1),
            "r": round(100 * r, 1),
            "f1": round(100 * (2 * p * r / (p + r) if p + r else 0.0), 1),
        },
        "acc_161km": round(100 * close / matched, 1) if matched else 0.0,
        "median_error_km": round(errors[len(errors) // 2], 1) if errors else None,
        "end_to_end_recall_161km": round(100 * close / n_gold, 1) if n_gold else 0.0,
    }


def format_scores(res: dict) -> str:
    """The shared scorer's one-line summary of a result of ``score``."""
    return (
        f"documents {res['documents']} gold toponyms {res['gold_toponyms']}  recognition F1 "
        f"{res['recognition']['f1']}  acc@161km {res['acc_161km']}  end-to-end recall@161km "
        f"{res['end_to_end_recall_161km']}  median error km {res['median_error_km']}"
    )


# --- running the pipeline ------------------------------------------------------------------


def load_gold(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Gold documents, one JSON object a line. A bad line raises ``ValueError`` naming it: scores
    over part of a gold file would mislead, so the evaluation stops there."""
    docs: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                if not isinstance(d.get("text"), str) or not isinstance(d.get("toponyms"), list):
                    raise ValueError("no 'text' string or 'toponyms' list")
            except (ValueError, AttributeError) as exc:
                raise ValueError(f"{path}:{n}: not a gold document: {exc}") from exc
            docs.append(d)
            if limit is not None and len(docs) >= limit:
                break
    return docs


def predict_places(
    gold_docs: list[dict[str, Any]],
    *,
    nlp: Language | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The pipeline's places for every gold text, as the JSONL document records hold them:
    each gold record read as ``claimgraph extract`` reads it (its date, its wire dateline),
    so that this scores what the shared scorer scores on that command's output."""
    nlp = nlp or shared_nlp()
    documents: list[Document] = []
    for n, d in enumerate(gold_docs, 1):
        found = document_from_record(d, f"gold document {n}", "jsonl")
        if isinstance(found, IngestError):  # load_gold checked that every text is a string
            raise ValueError(f"{found.origin}: {found.reason}")
        documents.append(found)
    pred: dict[str, list[dict[str, Any]]] = {}
    for document, _claims in extract_claims(documents, nlp=nlp):
        pred[document.text] = document.to_dict()["places"]
        if progress is not None:
            progress(1)
    return pred


def evaluate_places(
    gold_path: str | Path,
    *,
    nlp: Language | None = None,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Run the pipeline over the gold texts and score its places (see the module doc)."""
    gold = load_gold(gold_path, limit)
    return score(gold, predict_places(gold, nlp=nlp, progress=progress))
