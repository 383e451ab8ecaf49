"""Date evaluation: run the pipeline over TempEval-3 style gold and score its dates.

The scoring is a faithful port of the shared scorer ``tools/dates_score.py`` (which the
project cannot import at run time): same gold selection (timexes of type DATE with a
calendar value: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-Www``, ``YYYY-Qn``), same
matching, same rounding, same result dict and the same printed line, so
``evaluate_dates(gold)`` equals ``dates_score.py GOLD PRED --json`` on the JSONL that
``claimgraph extract --format jsonl`` writes for the same documents.

  extent P/R/F1: a predicted date matches a gold one when their character spans overlap;
  value  P/R/F1: ... and the values are equal. A predicted range ``A/B`` equals a gold value
                 when it covers exactly that calendar unit (day, month, ISO week, quarter,
                 year).
Predictions that overlap a gold timex of another kind (a duration, a time, "now") are not
scored; predictions that overlap no timex count against precision.

Gold JSONL: one document a line, ``{"docid", "dct", "text", "timexes": [{"type", "value",
"text", "start", "end"}]}`` (``../shared/data/tempeval3/``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language

from claimgraph.ingest.errors import IngestError
from claimgraph.ingest.tabular import document_from_record
from claimgraph.nlp.pipeline import extract_claims, shared_nlp
from claimgraph.records import Document

log = logging.getLogger(__name__)

# --- scoring: ported from tools/dates_score.py; keep it line for line ---------------------

CAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-W\d{2}|-Q[1-4])?$")


def unit_range(value: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of the calendar unit that a TimeML/ISO value names."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            d = dt.date.fromisoformat(value)
            return d, d
        if re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = map(int, value.split("-"))
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return dt.date(y, m, 1), nxt - dt.timedelta(days=1)
        if re.fullmatch(r"\d{4}", value):
            y = int(value)
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + dt.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            y, q = int(m[1]), int(m[2])
            start = dt.date(y, 3 * q - 2, 1)
            end = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
            return start, end
    except ValueError:
        return None
    return None


def same_value(pred: str, gold: str) -> bool:
    """Whether a predicted value names the gold value's calendar unit."""
    pred, gold = (pred or "").strip(), (gold or "").strip()
    if pred == gold:
        return True
    g = unit_range(gold)
    if g is None:
        return False
    if "/" in pred:
        a, _, b = pred.partition("/")
        ra, rb = unit_range(a), unit_range(b)
        return bool(ra and rb) and (ra[0], rb[1]) == g
    p = unit_range(pred)
    return p == g


def score(gold_docs: list[dict[str, Any]], pred_docs: dict[str, list[dict[str, Any]]]) -> dict:
    """Extent and value P/R/F1 of ``pred_docs`` (document text → dates) against the gold."""
    n_gold = n_pred = ext_tp = val_tp = 0
    for d in gold_docs:
        gold = [
            t for t in d["timexes"] if t.get("type") == "DATE" and CAL.match(t.get("value") or "")
        ]
        preds = [p for p in pred_docs.get(d["text"], []) if isinstance(p, dict) and "start" in p]
        n_gold += len(gold)
        # predictions that overlap no gold timex of any type count against precision only if
        # they overlap no timex at all (other timex types are not scored here)
        other = [t for t in d["timexes"] if t not in gold]
        scored = [
            p
            for p in preds
            if not any(p["start"] < t["end"] and t["start"] < p["end"] for t in other)
        ]
        n_pred += len(scored)
        used: set[int] = set()
        for g in gold:
            for i, p in enumerate(scored):
                if i in used or not (p["start"] < g["end"] and g["start"] < p["end"]):
                    continue
                used.add(i)
                ext_tp += 1
                val_tp += same_value(str(p.get("value") or ""), g["value"])
                break

    def prf(tp: int) -> dict[str, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return {
            "p": round(100 * p, 1),
            "r": round(100 * r, 1),
            "f1": round(100 * (2 * p * r / (p + r) if p + r else 0.0), 1),
        }

    return {
        "documents": len(gold_docs),
        "gold_dates": n_gold,
        "pred_dates": n_pred,
        "extent": prf(ext_tp),
        "value": prf(val_tp),
    }


def format_scores(res: dict[str, Any]) -> str:
    """The line ``dates_score.py`` prints (without ``--json``)."""
    return (
        f"documents {res['documents']} gold DATE {res['gold_dates']} "
        f"predicted {res['pred_dates']}  "
        f"extent F1 {res['extent']['f1']}  value P {res['value']['p']} "
        f"R {res['value']['r']} F1 {res['value']['f1']}"
    )


# --- running the pipeline ---------------------------------------------------------------


def load_gold(gold_path: Path | str, limit: int | None = None) -> list[dict[str, Any]]:
    """The gold documents; a line that is not a gold document is logged and skipped."""
    docs: list[dict[str, Any]] = []
    with open(gold_path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                log.error("%s:%d: invalid JSON: %s", gold_path, lineno, exc.msg)
                continue
            if not (
                isinstance(record, dict)
                and isinstance(record.get("text"), str)
                and isinstance(record.get("timexes"), list)
            ):
                log.error("%s:%d: not a gold document (needs 'text' and 'timexes')", gold_path,
                          lineno)  # fmt: skip
                continue
            docs.append(record)
            if limit is not None and len(docs) >= limit:
                break
    return docs


def gold_document(record: dict[str, Any], origin: str = "gold document") -> Document | None:
    """The ``Document`` the pipeline reads for one gold record, read as ``claimgraph extract``
    reads a JSONL record (``dct``, TimeML's creation time, is its date; a wire dateline is
    read too), so that this scores what the shared scorer scores on that command's output.
    None, with the reason logged, for a record the ingest refuses."""
    found = document_from_record(record, origin, "jsonl")
    if isinstance(found, IngestError):
        log.error("%s: %s", found.origin, found.reason)
        return None
    return found


def predict_dates(
    gold_docs: list[dict[str, Any]],
    *,
    nlp: Language | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Document text → the pipeline's dates as the JSONL export writes them."""
    nlp = nlp or shared_nlp()

    def documents() -> Iterator[Document]:
        for n, record in enumerate(gold_docs, 1):
            document = gold_document(record, f"gold document {n}")
            if document is not None:
                yield document

    def on_error(document: Document, message: str) -> None:
        log.error("%s: %s", document.doc_id, message)

    pred: dict[str, list[dict[str, Any]]] = {}
    for document, _ in extract_claims(documents(), nlp=nlp, on_error=on_error):
        # Keyed by text as the shared scorer does (a repeated text keeps its last dates).
        pred[document.text] = [
            {"text": d.text, "start": d.start, "end": d.end, "value": d.value,
             "granularity": d.granularity}
            for d in document.dates
        ]  # fmt: skip
        if progress is not None:
            progress(1)
    return pred


def evaluate_dates(
    gold_path: Path | str,
    *,
    nlp: Language | None = None,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run the pipeline over the gold documents and score their dates.

    ``limit`` scores only the first N documents; ``progress`` is called with the number of
    documents just finished (1 each time).
    """
    gold = load_gold(gold_path, limit)
    return score(gold, predict_dates(gold, nlp=nlp, progress=progress))
