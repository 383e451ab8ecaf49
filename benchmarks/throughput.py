"""Throughput of the claimgraph pipeline against bare spaCy on the same texts.

Runs, in one process and on the same texts with the same batch size, (a) the statistical
model alone (``spacy.load(model).pipe``) and (b) the full pipeline (``extract_claims``,
including building the ``Claim`` records). The two alternate ``--repeats`` times and the
best time of each is kept, so a slow moment of the machine hurts both alike. Prints
tokens/s and articles/s of each and the ratio full/bare.

    .venv/bin/python benchmarks/throughput.py [--data DIR] [--repeats 3] [--batch-size 16]
                                              [--limit N] [--json]

``--data`` is a PolNeAR split (its ``text/*.txt``) or any folder of ``.txt`` files; the
default is ``../shared/data/polnear/dev`` beside the repository.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import spacy

from claimgraph.nlp.pipeline import DEFAULT_MODEL, build_nlp, extract_claims
from claimgraph.records import Document, content_id

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "polnear" / "dev"


def load_texts(data: Path, limit: int | None) -> list[str]:
    folder = data / "text" if (data / "text").is_dir() else data
    paths = sorted(folder.glob("*.txt"))[:limit]
    texts = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            texts.append(fh.read())
    return texts


def run_bare(nlp: spacy.Language, texts: list[str], batch_size: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
    return time.perf_counter() - t0, tokens


def run_full(nlp: spacy.Language, docs: list[Document], batch_size: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    claims = sum(len(c) for _, c in extract_claims(docs, nlp=nlp, batch_size=batch_size))
    return time.perf_counter() - t0, claims


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    if not args.data.is_dir():
        print(f"no data folder at {args.data} (pass --data)", file=sys.stderr)
        return 2
    texts = load_texts(args.data, args.limit)
    if not texts:
        print(f"no .txt files in {args.data}", file=sys.stderr)
        return 2
    docs = [Document(doc_id=content_id(t), text=t) for t in texts]
    bare_nlp = spacy.load(args.model)
    full_nlp = build_nlp(args.model)
    # Warm up both (first-call allocations, lazy tables) on a few texts, untimed.
    run_bare(bare_nlp, texts[:4], args.batch_size)
    run_full(full_nlp, docs[:4], args.batch_size)

    bare_times, full_times = [], []
    tokens = claims = 0
    for _ in range(args.repeats):
        t, tokens = run_bare(bare_nlp, texts, args.batch_size)
        bare_times.append(t)
        t, claims = run_full(full_nlp, docs, args.batch_size)
        full_times.append(t)
    bare, full = min(bare_times), min(full_times)
    n = len(texts)
    res = {
        "data": str(args.data),
        "model": args.model,
        "articles": n,
        "characters": sum(len(t) for t in texts),
        "tokens": tokens,
        "claims": claims,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "bare": {
            "seconds": round(bare, 3),
            "tokens_per_s": round(tokens / bare),
            "articles_per_s": round(n / bare, 2),
            "all_seconds": [round(x, 3) for x in bare_times],
        },
        "full": {
            "seconds": round(full, 3),
            "tokens_per_s": round(tokens / full),
            "articles_per_s": round(n / full, 2),
            "all_seconds": [round(x, 3) for x in full_times],
        },
        "ratio_full_over_bare_time": round(full / bare, 3),
    }
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(
        f"{n} articles, {tokens} tokens, {claims} claims; batch {args.batch_size}, "
        f"best of {args.repeats} (interleaved)"
    )
    print(f"{'':6} {'seconds':>8} {'tokens/s':>9} {'articles/s':>10}")
    for name in ("bare", "full"):
        r = res[name]
        print(f"{name:6} {r['seconds']:8.2f} {r['tokens_per_s']:9} {r['articles_per_s']:10.2f}")
    print(
        f"full/bare time ratio {res['ratio_full_over_bare_time']:.2f} "
        f"(full runs at {bare / full:.0%} of bare speed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
