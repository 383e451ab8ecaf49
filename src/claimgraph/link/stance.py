"""Stance of a text towards a claim: agree | disagree | discuss | unrelated.

Trained on FNC-1 (headline, body) pairs (``../shared/data/fnc1``), the only labelled stance
data here, and used by the cross-source linker for claim vs claim (headline-like vs body-like
text). The model is a small ensemble of MLPs over ``claimgraph.link.features`` (hand features +
MiniLM cosine features), trained with torch and saved as numpy arrays, so inference needs only
numpy (plus torch for the MiniLM embeddings).

    predict_stance([(claim_text, other_text), ...])  # -> ["disagree", ...]
    predict_stance_proba(pairs)                        # -> [{"agree": 0.1, ...}, ...]

``train_stance`` cross-validates by Body ID (GroupKFold: no body is in both the train and the
test part of a fold), fits the final model on all pairs and writes ``model.npz``, ``idf.json``
and ``metadata.json`` into a directory; the shipped copy lives in ``data/stance/``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from claimgraph.eval.fnc1 import LABELS, read_bodies, read_pairs, score
from claimgraph.link.features import Embedder, FeatureExtractor, Idf, n_features

log = logging.getLogger(__name__)

# Chosen by cross-validation on the FNC-1 half (see metadata.json "tried"): one hidden layer
# of 256, 20 epochs, class weights = inverse frequency ** 0.5 (helps disagree without
# flooding it), three seeds averaged.
SETTINGS: dict[str, Any] = {
    "hidden": 256,
    "epochs": 20,
    "batch_size": 128,
    "lr": 1e-3,
    "weight_decay": 1e-4,
    "input_dropout": 0.1,
    "dropout": 0.3,
    "class_weight_power": 0.5,
    "members": 3,
}


@dataclass
class StanceModel:
    """A trained stance model: IDF table, input scaling and MLP weights (numpy)."""

    idf: Idf
    mean: np.ndarray
    scale: np.ndarray
    members: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    metadata: dict[str, Any] = field(default_factory=dict)
    _features: FeatureExtractor | None = field(default=None, repr=False)

    @property
    def features(self) -> FeatureExtractor:
        if self._features is None:
            self._features = FeatureExtractor(self.idf)
        return self._features

    def proba_from_features(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean) / self.scale
        out = np.zeros((len(x), len(LABELS)), dtype=np.float64)
        for w1, b1, w2, b2 in self.members:
            h = np.maximum(z @ w1.astype(np.float32) + b1, 0.0)
            logits = (h @ w2.astype(np.float32) + b2).astype(np.float64)
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            out += p / p.sum(axis=1, keepdims=True)
        return out / len(self.members)

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities (len(pairs), 4) in the order of ``LABELS``."""
        if not pairs:
            return np.zeros((0, len(LABELS)))
        return self.proba_from_features(self.features.transform(list(pairs)))

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        return [LABELS[i] for i in self.predict_proba(pairs).argmax(axis=1)]

    def save(self, out_dir: str | Path) -> None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {"mean": self.mean, "scale": self.scale}
        for i, (w1, b1, w2, b2) in enumerate(self.members):
            # float16 weights halve the artefact (the ensemble averages away the rounding).
            arrays |= {
                f"w1_{i}": w1.astype(np.float16),
                f"b1_{i}": b1,
                f"w2_{i}": w2.astype(np.float16),
                f"b2_{i}": b2,
            }
        np.savez_compressed(out / "model.npz", **arrays)
        (out / "idf.json").write_text(json.dumps(self.idf.to_json(), sort_keys=True), "utf-8")
        (out / "metadata.json").write_text(json.dumps(self.metadata, indent=1), "utf-8")

    @classmethod
    def load(cls, path: str | Path) -> StanceModel:
        path = Path(path)
        try:
            with np.load(path / "model.npz") as z:
                n = sum(1 for k in z.files if k.startswith("w1_"))
                members = [
                    (z[f"w1_{i}"], z[f"b1_{i}"], z[f"w2_{i}"], z[f"b2_{i}"]) for i in range(n)
                ]
                mean, scale = z["mean"], z["scale"]
            idf = Idf.from_json(json.loads((path / "idf.json").read_text("utf-8")))
            meta_file = path / "metadata.json"
            meta = json.loads(meta_file.read_text("utf-8")) if meta_file.exists() else {}
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(f"{path}: not a stance model directory ({exc})") from exc
        if mean.shape != (n_features(),):
            raise ValueError(
                f"{path}: model expects {mean.shape[0]} features, the code makes "
                f"{n_features()}: retrain with `claimgraph train stance`"
            )
        return cls(idf, mean, scale, members, meta)


def default_model_dir() -> Path:
    return Path(str(resources.files("claimgraph").joinpath("data/stance")))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> StanceModel:
    return StanceModel.load(path)


def load_stance_model(path: str | Path | None = None) -> StanceModel:
    """The model in ``path`` (a directory written by ``train_stance``) or the shipped one."""
    return _load_cached(str(Path(path) if path is not None else default_model_dir()))


def predict_stance(
    pairs: Sequence[tuple[str, str]], *, model: StanceModel | None = None
) -> list[str]:
    """Stance of the second text (body-like) towards the first (headline/claim-like)."""
    return (model or load_stance_model()).predict(pairs)


def predict_stance_proba(
    pairs: Sequence[tuple[str, str]], *, model: StanceModel | None = None
) -> list[dict[str, float]]:
    """As ``predict_stance`` but {label: probability} for each pair."""
    proba = (model or load_stance_model()).predict_proba(pairs)
    return [{lab: float(p) for lab, p in zip(LABELS, row, strict=True)} for row in proba]


# --- training ------------------------------------------------------------------------------


def _require_torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "training the stance model needs the 'link' extra: pip install 'claimgraph[link]'"
        ) from exc
    return torch


def fit_mlp(
    x: np.ndarray, y: np.ndarray, *, seed: int, settings: Mapping[str, Any] = SETTINGS
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Train one MLP member; returns (mean, scale, (w1, b1, w2, b2)) as numpy arrays."""
    torch = _require_torch()
    torch.manual_seed(seed)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    xt = torch.tensor((x - mean) / scale, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.long)
    hidden = settings["hidden"]
    net = torch.nn.Sequential(
        torch.nn.Dropout(settings["input_dropout"]),
        torch.nn.Linear(xt.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(settings["dropout"]),
        torch.nn.Linear(hidden, len(LABELS)),
    )
    counts = np.bincount(y, minlength=len(LABELS)).clip(min=1)
    weight = (len(y) / (len(LABELS) * counts)) ** settings["class_weight_power"]
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weight, dtype=torch.float32))
    opt = torch.optim.AdamW(
        net.parameters(), lr=settings["lr"], weight_decay=settings["weight_decay"]
    )
    gen = torch.Generator().manual_seed(seed)
    bs = settings["batch_size"]
    for _ in range(settings["epochs"]):
        net.train()
        perm = torch.randperm(len(yt), generator=gen)
        for i in range(0, len(yt), bs):
            idx = perm[i : i + bs]
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()
    lin1, lin2 = net[1], net[4]
    weights = (
        lin1.weight.detach().numpy().T.copy(), lin1.bias.detach().numpy().copy(),
        lin2.weight.detach().numpy().T.copy(), lin2.bias.detach().numpy().copy(),
    )  # fmt: skip
    return mean.astype(np.float32), scale.astype(np.float32), weights


def fit_model(
    x: np.ndarray, y: np.ndarray, idf: Idf, *, seed: int, settings: Mapping[str, Any] = SETTINGS
) -> StanceModel:
    members = []
    mean = scale = None
    for m in range(settings["members"]):
        mean, scale, w = fit_mlp(x, y, seed=seed * 1000 + m, settings=settings)
        members.append(w)
    assert mean is not None and scale is not None
    return StanceModel(idf, mean, scale, members)


def story_groups(rows: Sequence[Mapping[str, str]]) -> list[int]:
    """Group id per row: connected components of headlines and bodies joined by related pairs.

    A stricter split than Body ID: FNC-1 pairs each headline with ~15 bodies, so by-body folds
    still see the test headlines (with other bodies) in training; story folds see neither.
    """
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in rows:
        if r.get("Stance", "unrelated") != "unrelated":
            parent[find("h" + r["Headline"])] = find("b" + r["Body ID"])
    ids: dict[str, int] = {}
    return [ids.setdefault(find("b" + r["Body ID"]), len(ids)) for r in rows]


def _fold_score(rows: Sequence[Mapping[str, str]], pred: Sequence[str]) -> dict[str, Any]:
    gold = {(r["Headline"], r["Body ID"]): r["Stance"] for r in rows}
    return score(gold, {(r["Headline"], r["Body ID"]): p for r, p in zip(rows, pred, strict=True)})


def _features_for(
    rows: Sequence[Mapping[str, str]], bodies: Mapping[str, str], cache_dir: str | Path | None
) -> tuple[FeatureExtractor, np.ndarray]:
    # IDF is label-free; fitting it on all the text of the split is transductive but leaks
    # no stance (the shipped model's IDF comes from the same text).
    idf = Idf.fit(list(bodies.values()) + sorted({r["Headline"] for r in rows}))
    fx = FeatureExtractor(idf, Embedder(cache_dir=cache_dir))
    x = fx.transform([(r["Headline"], bodies[r["Body ID"]]) for r in rows])
    fx.embedder.save_cache()
    return fx, x


def cross_validate(
    rows: Sequence[Mapping[str, str]],
    bodies: Mapping[str, str],
    *,
    folds: int = 5,
    seed: int = 0,
    group_by: str = "body",
    settings: Mapping[str, Any] = SETTINGS,
    cache_dir: str | Path | None = None,
    _x: np.ndarray | None = None,
) -> dict[str, Any]:
    """GroupKFold cross-validation; returns per-fold scores, out-of-fold predictions.

    ``group_by`` is "body" (Body ID, the FNC-1 protocol) or "story" (``story_groups``).
    """
    from sklearn.model_selection import GroupKFold

    x = _x if _x is not None else _features_for(rows, bodies, cache_dir)[1]
    y = np.array([LABELS.index(r["Stance"]) for r in rows])
    if group_by == "body":
        groups = [r["Body ID"] for r in rows]
    elif group_by == "story":
        groups = story_groups(rows)
    else:
        raise ValueError(f"group_by must be 'body' or 'story', not {group_by!r}")
    n_groups = len(set(groups))
    if n_groups < folds:
        raise ValueError(f"{folds} folds need at least {folds} groups, got {n_groups}")
    pred: list[str] = [""] * len(rows)
    fold_scores = []
    for k, (tr, te) in enumerate(GroupKFold(n_splits=folds).split(x, y, groups)):
        model = fit_model(x[tr], y[tr], Idf({}, 1.0), seed=seed + k, settings=settings)
        labels = [LABELS[i] for i in model.proba_from_features(x[te]).argmax(axis=1)]
        for i, lab in zip(te, labels, strict=True):
            pred[i] = lab
        fold_scores.append(_fold_score([rows[i] for i in te], labels))
        log.info("fold %d: %s", k, fold_scores[-1])
    return {
        "folds": fold_scores,
        "group_by": group_by,
        "predictions": pred,
        "cv": _fold_score(rows, pred),
    }


def _data_hash(*paths: str | Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def train_stance(
    stances_csv: str | Path,
    bodies_csv: str | Path,
    out_dir: str | Path,
    *,
    folds: int = 5,
    seed: int = 0,
    story_cv: bool = True,
    cache_dir: str | Path | None = None,
    settings: Mapping[str, Any] = SETTINGS,
) -> dict[str, Any]:
    """Cross-validate, fit on all pairs, save into ``out_dir``; returns the metadata.

    ``out_dir/metadata.json`` records the data hash, settings, per-fold and overall CV scores
    (by Body ID, and by story when ``story_cv``) and the training time. ``cache_dir`` keeps the
    MiniLM embeddings between runs (keyed by text hash). ``folds=0`` skips cross-validation.
    """
    start = time.perf_counter()
    bodies = read_bodies(bodies_csv)
    rows = read_pairs(stances_csv, bodies, labelled=True)
    fx, x = _features_for(rows, bodies, cache_dir)
    t_features = time.perf_counter() - start
    meta: dict[str, Any] = {
        "data": {
            "stances": str(stances_csv),
            "bodies": str(bodies_csv),
            "sha256": _data_hash(stances_csv, bodies_csv),
            "pairs": len(rows),
            "n_bodies": len({r["Body ID"] for r in rows}),
        },
        "seed": seed,
        "folds": folds,
        "settings": dict(settings),
        "features": n_features(),
        "labels": list(LABELS),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "torch": _require_torch().__version__,
        },
    }
    if folds:
        res = cross_validate(rows, bodies, folds=folds, seed=seed, settings=settings, _x=x)
        meta["cv_body"] = {"overall": res["cv"], "folds": res["folds"]}
        if story_cv:
            res = cross_validate(
                rows, bodies, folds=folds, seed=seed, group_by="story", settings=settings, _x=x
            )
            meta["cv_story"] = {"overall": res["cv"], "folds": res["folds"]}
    y = np.array([LABELS.index(r["Stance"]) for r in rows])
    model = fit_model(x, y, fx.idf, seed=seed, settings=settings)
    meta["seconds"] = {
        "features": round(t_features, 1),
        "total": round(time.perf_counter() - start, 1),
    }
    model.metadata = meta
    model.save(out_dir)
    _load_cached.cache_clear()
    return meta
