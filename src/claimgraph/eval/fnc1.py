"""FNC-1 stance evaluation: the shared scorer ported, cross-validated scores, prediction files.

The scoring is a faithful port of the shared scorer ``tools/fnc1_score.py`` (which the project
cannot import at run time): rows are matched on (Headline, Body ID), a gold pair with no
prediction (or an unknown label) counts as predicted 'unrelated', the weighted score gives
+0.25 for a correct related/unrelated decision and +0.75 more for the correct class among
agree/disagree/discuss, reported relative to the best possible score, with per-class and macro
F1, same rounding, same result dict and the same printed line (``format_scores``).

``evaluate_fnc1(stances, bodies)`` cross-validates the stance model by Body ID (see
``claimgraph.link.stance.cross_validate``); ``write_predictions(headlines, bodies, out)``
writes ``Headline, Body ID, Stance`` rows that the scorer reads.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = set(LABELS[:3])

Key = tuple[str, str]


# --- scoring: ported from tools/fnc1_score.py; keep it line for line --------------------


def read(path: str | Path) -> dict[Key, str]:
    """{(Headline, Body ID): stance} from a stances CSV, as the shared scorer reads it."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {
            (r["Headline"], r["Body ID"]): r["Stance"].strip().lower() for r in csv.DictReader(fh)
        }


def score(gold: Mapping[Key, str], pred: Mapping[Key, str]) -> dict[str, Any]:
    """The FNC-1 relative score, per-class F1 and macro F1 of ``pred`` against ``gold``."""
    got = best = 0.0
    tp = dict.fromkeys(LABELS, 0)
    n_pred = dict.fromkeys(LABELS, 0)
    n_gold = dict.fromkeys(LABELS, 0)
    for key, g in gold.items():
        p = pred.get(key, "unrelated")
        if p not in LABELS:
            p = "unrelated"
        best += 0.25 + (0.75 if g in RELATED else 0.0)
        if (g in RELATED) == (p in RELATED):
            got += 0.25
        if g == p and g in RELATED:
            got += 0.75
        n_gold[g] += 1
        n_pred[p] += 1
        tp[g] += g == p
    f1 = {}
    for lab in LABELS:
        pr = tp[lab] / n_pred[lab] if n_pred[lab] else 0.0
        rc = tp[lab] / n_gold[lab] if n_gold[lab] else 0.0
        f1[lab] = round(100 * (2 * pr * rc / (pr + rc) if pr + rc else 0.0), 1)
    return {
        "pairs": len(gold),
        "relative_score": round(100 * got / best, 2) if best else 0.0,
        "f1": f1,
        "macro_f1": round(sum(f1.values()) / len(LABELS), 1),
    }


def format_scores(res: Mapping[str, Any], *, as_json: bool = False) -> str:
    """The shared scorer's printed output for a ``score`` result (``--json`` with as_json)."""
    if as_json:
        return json.dumps(res, indent=1)
    return (
        f"pairs {res['pairs']}  FNC-1 relative score {res['relative_score']}  "
        f"macro F1 {res['macro_f1']}  per class {res['f1']}"
    )


# --- files -------------------------------------------------------------------------------


class Fnc1InputError(ValueError):
    """A stances or bodies CSV that cannot be read: names the file and the reason."""


def _open_rows(path: str | Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise Fnc1InputError(
                    f"{path}: missing column(s) {', '.join(missing)} "
                    f"(header: {', '.join(header) or 'empty file'})"
                )
            return list(reader)
    except FileNotFoundError as exc:
        raise Fnc1InputError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise Fnc1InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise Fnc1InputError(f"{path}: not a readable CSV ({exc})") from exc


def read_bodies(path: str | Path) -> dict[str, str]:
    """{Body ID: articleBody}; rows with an empty ID are reported and skipped."""
    bodies: dict[str, str] = {}
    for i, row in enumerate(_open_rows(path, ("Body ID", "articleBody")), start=2):
        bid = (row["Body ID"] or "").strip()
        if not bid:
            log.error("%s line %d: empty Body ID, row skipped", path, i)
            continue
        bodies[bid] = row["articleBody"] or ""
    return bodies


def read_pairs(
    stances_path: str | Path, bodies: Mapping[str, str], *, labelled: bool
) -> list[dict[str, str]]:
    """Stance rows whose Body ID is in ``bodies``; others are reported and skipped.

    With ``labelled`` the Stance column is required and rows with an unknown stance are
    reported and skipped; without it only Headline and Body ID are needed.
    """
    required = ("Headline", "Body ID", "Stance") if labelled else ("Headline", "Body ID")
    rows = []
    for i, row in enumerate(_open_rows(stances_path, required), start=2):
        bid = (row["Body ID"] or "").strip()
        if bid not in bodies:
            log.error(
                "%s line %d: Body ID %r is not in the bodies file, row skipped",
                stances_path,
                i,
                bid,
            )
            continue
        out = {"Headline": row["Headline"] or "", "Body ID": bid}
        if labelled:
            stance = (row["Stance"] or "").strip().lower()
            if stance not in LABELS:
                log.error("%s line %d: unknown stance %r, row skipped", stances_path, i, stance)
                continue
            out["Stance"] = stance
        rows.append(out)
    if not rows:
        raise Fnc1InputError(f"{stances_path}: no usable (Headline, Body ID) rows")
    return rows


def write_predictions(
    headlines_csv: str | Path,
    bodies_csv: str | Path,
    out_csv: str | Path,
    *,
    model_path: str | Path | None = None,
) -> int:
    """Predict a stance for every (Headline, Body ID) row and write them as the scorer reads.

    Returns the number of rows written. ``headlines_csv`` needs Headline and Body ID columns
    (a Stance column, if present, is ignored).
    """
    from claimgraph.link.stance import load_stance_model

    bodies = read_bodies(bodies_csv)
    rows = read_pairs(headlines_csv, bodies, labelled=False)
    model = load_stance_model(model_path)
    labels = model.predict([(r["Headline"], bodies[r["Body ID"]]) for r in rows])
    write_rows(
        out_csv, [(r["Headline"], r["Body ID"], lab) for r, lab in zip(rows, labels, strict=True)]
    )
    return len(rows)


def write_rows(out_csv: str | Path, rows: list[tuple[str, str, str]]) -> None:
    """Write (Headline, Body ID, Stance) rows with a header."""
    out = Path(out_csv)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows(rows)


def evaluate_fnc1(
    stances_csv: str | Path,
    bodies_csv: str | Path,
    *,
    cv: bool = True,
    folds: int = 5,
    seed: int = 0,
    model_path: str | Path | None = None,
    predictions_csv: str | Path | None = None,
) -> dict[str, Any]:
    """Score the stance model on a labelled FNC-1 split.

    With ``cv`` (the default) the model is trained and scored by GroupKFold on Body ID (no body
    in both train and test of a fold) and the out-of-fold predictions are scored together;
    the result also has ``folds`` (one score dict per fold). Without ``cv`` the saved model
    (``model_path`` or the shipped one) predicts every row. ``predictions_csv`` writes the
    predictions that were scored, in the scorer's format.
    """
    bodies = read_bodies(bodies_csv)
    rows = read_pairs(stances_csv, bodies, labelled=True)
    if cv:
        from claimgraph.link.stance import cross_validate

        res = cross_validate(rows, bodies, folds=folds, seed=seed)
        pred = res.pop("predictions")
    else:
        from claimgraph.link.stance import load_stance_model

        model = load_stance_model(model_path)
        pred = model.predict([(r["Headline"], bodies[r["Body ID"]]) for r in rows])
        res = {}
    out_rows = [(r["Headline"], r["Body ID"], p) for r, p in zip(rows, pred, strict=True)]
    if predictions_csv is not None:
        write_rows(predictions_csv, out_rows)
    gold = read(stances_csv)
    scored = score(gold, {(h, b): p for h, b, p in out_rows})
    return {**scored, **res}
