"""Throughput of the claimgraph pipeline against bare spaCy on the same texts.

Runs, in one process and on the same texts with the same batch size, (a) the statistical
model alone (``spacy.load(model).pipe``), (b) the full pipeline with the attribution rules
only, (c) with the learned tagger's attributions ("model", the default when the model is
installed) and (d) with the rules plus the tagger's additions ("hybrid"); ``extract_claims``,
including building the ``Claim`` records. They alternate
``--repeats`` times and the best time of each is kept, so a slow moment of the machine hurts
all alike. Prints tokens/s and articles/s of each and each pipeline's speed relative to bare
spaCy, then the peak memory (max RSS) of a fresh process that runs only the default
pipeline over the same texts.

    .venv/bin/python benchmarks/throughput.py [--data DIR] [--repeats 3] [--batch-size 16]
                                              [--limit N] [--json]

``--data`` is a PolNeAR split (its ``text/*.txt``) or any folder of ``.txt`` files; the
default is ``../shared/data/polnear/dev`` beside the repository.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import spacy

from claimgraph.nlp.pipeline import DEFAULT_MODEL, build_nlp, extract_claims
from claimgraph.nlp.tagger import model_available
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
    pipelines = {"rules": build_nlp(args.model, attribution="rules")}
    if model_available():
        pipelines["model"] = build_nlp(args.model, attribution="model")
        pipelines["hybrid"] = build_nlp(args.model, attribution="hybrid")
    # Warm up (first-call allocations, lazy tables, the MiniLM) on a few texts, untimed.
    run_bare(bare_nlp, texts[:4], args.batch_size)
    for nlp in pipelines.values():
        run_full(nlp, docs[:4], args.batch_size)

    times: dict[str, list[float]] = {"bare": [], **{name: [] for name in pipelines}}
    tokens = 0
    claims: dict[str, int] = {}
    for _ in range(args.repeats):
        t, tokens = run_bare(bare_nlp, texts, args.batch_size)
        times["bare"].append(t)
        for name, nlp in pipelines.items():
            t, claims[name] = run_full(nlp, docs, args.batch_size)
            times[name].append(t)
    n = len(texts)
    bare = min(times["bare"])
    res: dict[str, Any] = {
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
    }
    for name, all_times in times.items():
        best = min(all_times)
        res[name] = {
            "seconds": round(best, 3),
            "tokens_per_s": round(tokens / best),
            "articles_per_s": round(n / best, 2),
            "speed_vs_bare": round(bare / best, 3),
            "all_seconds": [round(x, 3) for x in all_times],
        }
    res["default_pipeline_max_rss_mb"] = default_pipeline_rss(args)
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(
        f"{n} articles, {tokens} tokens; claims {claims}; batch {args.batch_size}, "
        f"best of {args.repeats} (interleaved)"
    )
    print(f"{'':6} {'seconds':>8} {'tokens/s':>9} {'articles/s':>10} {'x bare':>7}")
    for name in times:
        r = res[name]
        print(
            f"{name:6} {r['seconds']:8.2f} {r['tokens_per_s']:9} {r['articles_per_s']:10.2f} "
            f"{r['speed_vs_bare']:7.2f}"
        )
    print(f"default pipeline, fresh process: max RSS {res['default_pipeline_max_rss_mb']} MB")
    return 0


def default_pipeline_rss(args: argparse.Namespace) -> float:
    """Max RSS (MB) of a fresh process that runs the default pipeline over the texts."""
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from throughput import load_texts, run_full\n"
        "from claimgraph.nlp.pipeline import build_nlp\n"
        "from claimgraph.records import Document, content_id\n"
        "texts = load_texts(Path(sys.argv[2]), None if sys.argv[3] == '-' else int(sys.argv[3]))\n"
        "docs = [Document(doc_id=content_id(t), text=t) for t in texts]\n"
        "run_full(build_nlp(sys.argv[4]), docs, int(sys.argv[5]))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    limit = "-" if args.limit is None else str(args.limit)
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(args.data), limit,
         args.model, str(args.batch_size)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


if __name__ == "__main__":
    sys.exit(main())
