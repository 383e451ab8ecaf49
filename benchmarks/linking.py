"""Linking benchmarks on PolNeAR claims: ANN libraries, thresholds, and scaling to 100k.

    .venv/bin/python benchmarks/linking.py ann [--n 20000]      # hnswlib vs faiss vs usearch
    .venv/bin/python benchmarks/linking.py thresholds            # cosine of repeated claims
    .venv/bin/python benchmarks/linking.py scale [--sizes 10000 30000 100000]
    .venv/bin/python benchmarks/linking.py incremental [--n 100000] [--add 1000]
    .venv/bin/python benchmarks/linking.py relations [--stance]  # P/R on the multi-outlet gold

The claims are the gold Content spans of PolNeAR (train + dev, ~22k), read from
``../shared/data/polnear``. Their vectors are computed once and cached in
``--cache`` (default ``/tmp/claimgraph-linking``). ``scale`` builds a database of N claims
from N/5 real claims, each repeated four times with perturbations (a repeat gets its
original's vector plus small noise, as a paraphrase would), then times
``claimgraph.link.link`` on it, each size in a fresh process so that its peak memory (max
RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
_WORD = re.compile(r"\w+")


def polnear_claims() -> list[dict[str, str]]:
    """Gold attributions of PolNeAR (first annotator of each article): content, source,
    document stem and publisher."""
    rows: list[dict[str, str]] = []
    for split in ("train", "dev"):
        seen: set[str] = set()
        for ann in sorted((POLNEAR / split / "attributions").glob("*.ann")):
            stem = ann.name.rsplit("_", 1)[0]
            if stem in seen:
                continue
            seen.add(stem)
            spans: dict[str, str] = {}
            lines = ann.read_text(encoding="utf-8").splitlines()
            for line in lines:
                if line.startswith("T") and "\t" in line:
                    parts = line.split("\t", 2)
                    spans[parts[0]] = parts[2] if len(parts) > 2 else ""
            for line in lines:
                if line.startswith("E") and "\t" in line:
                    args = dict(a.split(":", 1) for a in line.split("\t")[1].split())
                    content = spans.get(args.get("Content", ""))
                    if content and content.strip():
                        rows.append({
                            "doc": stem,
                            "publisher": stem.split("_")[0],
                            "content": " ".join(content.split()),
                            "source": " ".join(spans.get(args.get("Source", ""), "").split()),
                        })  # fmt: skip
    return rows


def cached_vectors(cache: Path, name: str, texts: list[str]) -> np.ndarray:
    path = cache / f"{name}.npy"
    if path.exists():
        vectors = np.load(path)
        if len(vectors) == len(texts):
            return vectors
    from claimgraph.link.embed import embed_texts

    start = time.perf_counter()
    vectors = embed_texts(texts)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


# -- ANN libraries ------------------------------------------------------------------------------


def compare_ann(vectors: np.ndarray, n_queries: int = 1000, k: int = 10) -> None:
    """Build time, query time and recall@k against exact search, same HNSW settings."""
    import faiss
    import hnswlib
    from usearch.index import Index

    n, dim = vectors.shape
    rng = np.random.default_rng(0)
    queries = vectors[rng.choice(n, n_queries, replace=False)]
    start = time.perf_counter()
    exact = np.sort(queries @ vectors.T, axis=1)[:, ::-1][:, :k]
    exact_s = time.perf_counter() - start

    def recall(found: np.ndarray) -> float:
        """Share of the k found whose cosine reaches the exact k-th best: PolNeAR repeats
        quotes verbatim, so many neighbours tie and comparing ids would undercount."""
        scores = np.einsum("qd,qkd->qk", queries, vectors[found.astype(np.int64)])
        return float(np.mean((scores >= exact[:, -1:] - 1e-5).sum(axis=1) / k))

    results = [("exact (numpy matmul)", 0.0, exact_s, 1.0)]

    start = time.perf_counter()
    h = hnswlib.Index(space="ip", dim=dim)
    h.init_index(max_elements=n, ef_construction=200, M=16, random_seed=0)
    h.add_items(vectors, np.arange(n))
    build = time.perf_counter() - start
    h.set_ef(64)
    start = time.perf_counter()
    labels, _ = h.knn_query(queries, k=k)
    results.append(("hnswlib 0.8 HNSW", build, time.perf_counter() - start, recall(labels)))

    # The settings claimgraph uses (claimgraph.link.index), through its own wrapper.
    from claimgraph.link.index import EF_CONSTRUCTION, ClaimIndex, M

    start = time.perf_counter()
    ours = ClaimIndex.build(vectors)
    build = time.perf_counter() - start
    start = time.perf_counter()
    labels, _ = ours.search(queries, k)
    name = f"ClaimIndex M={M} efC={EF_CONSTRUCTION}"
    results.append((name, build, time.perf_counter() - start, recall(labels)))

    start = time.perf_counter()
    f = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
    f.hnsw.efConstruction = 200
    f.add(vectors)
    build = time.perf_counter() - start
    f.hnsw.efSearch = 64
    start = time.perf_counter()
    _, labels = f.search(queries, k)
    results.append(("faiss-cpu IndexHNSWFlat", build, time.perf_counter() - start, recall(labels)))

    start = time.perf_counter()
    u = Index(ndim=dim, metric="ip", dtype="f32", connectivity=16, expansion_add=200,
              expansion_search=64)  # fmt: skip
    u.add(np.arange(n), vectors)
    build = time.perf_counter() - start
    start = time.perf_counter()
    found = u.search(queries, k)
    results.append(("usearch HNSW f32", build, time.perf_counter() - start, recall(found.keys)))

    print(f"{n} PolNeAR claim vectors ({dim}-d), {n_queries} queries, k={k}, "
          "M=16 efConstruction=200 efSearch=64")  # fmt: skip
    print(f"{'library':26s} {'build s':>8s} {'query ms':>9s} {'recall@10':>10s}")
    for name, b, q, r in results:
        print(f"{name:26s} {b:8.2f} {q * 1000:9.1f} {r:10.4f}")


# -- thresholds ---------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text)]


def repeated_pairs(rows: list[dict[str, str]], n_gram: int = 5) -> list[tuple[int, int]]:
    """Claims of different articles that repeat one another: they share a word 5-gram and
    half their words (Jaccard ≥ 0.5). Found without the embeddings, so the cosine
    distribution of these pairs is a fair measure of what a threshold keeps."""
    grams: dict[tuple[str, ...], list[int]] = defaultdict(list)
    tokens = [_tokens(r["content"]) for r in rows]
    for i, toks in enumerate(tokens):
        for g in {tuple(toks[j : j + n_gram]) for j in range(len(toks) - n_gram + 1)}:
            grams[g].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in grams.values():
        if len(members) > 50:  # boilerplate ("according to a statement from the campaign")
            continue
        for a in members:
            for b in members:
                if a < b and rows[a]["doc"] != rows[b]["doc"]:
                    pairs.add((a, b))
    kept = []
    for a, b in pairs:
        sa, sb = set(tokens[a]), set(tokens[b])
        if len(sa) >= 6 and len(sb) >= 6 and len(sa & sb) / len(sa | sb) >= 0.5:
            kept.append((a, b))
    return sorted(kept)


def thresholds(rows: list[dict[str, str]], cache: Path) -> None:
    content = cached_vectors(cache, "content", [r["content"] for r in rows])
    pairs = repeated_pairs(rows)
    rng = random.Random(0)
    n = len(rows)
    randoms = []
    while len(randoms) < 20000:
        a, b = rng.randrange(n), rng.randrange(n)
        if rows[a]["doc"] != rows[b]["doc"]:
            randoms.append((a, b))

    def cosines(vectors: np.ndarray, which: list[tuple[int, int]], rows_of: dict[int, int]):
        a = vectors[[rows_of[x] for x, _ in which]]
        b = vectors[[rows_of[y] for _, y in which]]
        return np.einsum("ij,ij->i", a, b)

    everything = {i: i for i in range(n)}
    rep = cosines(content, pairs, everything)
    rnd = cosines(content, randoms, everything)
    # The same with "Source: content", for the claims of these pairs only.
    used = sorted({x for p in pairs + randoms[:5000] for x in p})
    prefixed = cached_vectors(
        cache, "prefixed",
        [f"{rows[i]['source']}: {rows[i]['content']}" if rows[i]["source"] else rows[i]["content"]
         for i in used],
    )  # fmt: skip
    where = {i: j for j, i in enumerate(used)}
    rep_p = cosines(prefixed, pairs, where)
    rnd_p = cosines(prefixed, randoms[:5000], where)
    print(f"{len(pairs)} repeated pairs across articles (shared 5-gram, Jaccard >= 0.5); "
          f"{len(randoms)} random cross-article pairs")  # fmt: skip
    print(f"{'cosine >=':>10s} {'repeats kept':>13s} {'random kept':>12s} "
          f"{'repeats kept (source-prefixed)':>31s} {'random kept (prefixed)':>23s}")  # fmt: skip
    for t in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        print(f"{t:10.2f} {np.mean(rep >= t):13.3f} {np.mean(rnd >= t):12.5f} "
              f"{np.mean(rep_p >= t):31.3f} {np.mean(rnd_p >= t):23.5f}")  # fmt: skip
    # Pairs in bands of the cosine, to read: are they the same proposition?
    from claimgraph.link.index import ClaimIndex

    index = ClaimIndex.build(content)
    sample = rng.sample(range(n), 3000)
    labels, scores = index.search(content[sample], 6)
    bands: dict[float, list[tuple[int, int, float]]] = defaultdict(list)
    for q, found, cos in zip(sample, labels, scores, strict=True):
        for other, c in zip(found.tolist(), cos.tolist(), strict=True):
            if other != q and rows[other]["doc"] != rows[q]["doc"]:
                bands[round(int(c * 20) / 20, 2)].append((q, other, c))
    for band in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
        print(f"\n-- nearest neighbours from other articles, cosine {band:.2f}–{band + 0.05:.2f}")
        for q, other, c in rng.sample(bands[band], min(8, len(bands[band]))):
            print(f"{c:.2f}  {rows[q]['content'][:110]!r}\n      {rows[other]['content'][:110]!r}")


# -- scaling ------------------------------------------------------------------------------------


_PERTURB = ("reportedly", "also", "again", "on Tuesday", "this week", "in a statement")


def build_database(
    path: Path, rows: list[dict[str, str]], vectors: np.ndarray, n: int, docs_from: int = 0
) -> None:
    """A database of ``n`` claims: ``n / 5`` real ones, each then repeated four times with
    a perturbation (another outlet, a word added, one in ten denied), 20 claims per
    document, with vectors stored. Every size has the same share of repeats, so the work per
    claim is comparable across sizes. ``docs_from``: start at that document (to add a batch
    to a database built with a smaller ``n``)."""
    from claimgraph.link.embed import MODEL_NAME
    from claimgraph.records import Claim, Content, Cue, Document, Source, claim_id, content_id
    from claimgraph.store import ClaimStore

    unique = min(len(rows), max(1, n // 5))
    rng = np.random.default_rng(n)
    pyrng = random.Random(n)
    outlets = ("Reuters", "AP", "CNN", "TASS", "Sputnik", "BBC", "Fox")
    with ClaimStore(path) as store:
        blobs: list[tuple[str, bytes]] = []
        for d in range(docs_from, (n + 19) // 20):
            claims, texts, picks = [], [], []
            for j in range(min(20, n - 20 * d)):
                i = 20 * d + j
                base = i % unique
                text = rows[base]["content"]
                if i >= unique:
                    text = f"{text} {pyrng.choice(_PERTURB)}"
                picks.append(base)
                texts.append(text)
            body = "\n".join(f"{rows[b]['source'] or 'Officials'} said {t}."
                             for b, t in zip(picks, texts, strict=True))  # fmt: skip
            doc = Document(content_id(f"{n}:{d}:{body}"), body, outlet=outlets[d % len(outlets)],
                           published=f"2016-{1 + d % 12:02d}-{1 + d % 28:02d}")  # fmt: skip
            pos = 0
            for b, t in zip(picks, texts, strict=True):
                source = rows[b]["source"] or "Officials"
                repeat = 20 * d + len(claims) >= unique
                deny = repeat and pyrng.random() < 0.1
                cue_start = pos + len(source) + 1
                start = cue_start + 5
                frags = ((start, start + len(t)),)
                cid = claim_id(doc.doc_id, cue_start, frags)
                claims.append(Claim(doc.doc_id, cid, "indirect",
                                    Source(source, pos, pos + len(source), resolved=source),
                                    Cue("said", cue_start, cue_start + 4, "say",
                                        "deny" if deny else "assert"),
                                    Content(t, frags)))  # fmt: skip
                vector = vectors[b]
                if repeat:
                    vector = vector + rng.normal(0, 0.01, vector.shape[0]).astype(np.float32)
                    vector /= np.linalg.norm(vector)
                blobs.append((cid, vector.astype(np.float32).tobytes()))
                pos = start + len(t) + 2
            store.add(doc, claims)
        store.add_embeddings(MODEL_NAME, vectors.shape[1], blobs)


def scale_one(n: int, cache: Path) -> dict[str, float]:
    from claimgraph.link import link
    from claimgraph.store import ClaimStore

    rows = polnear_claims()
    vectors = cached_vectors(cache, "content", [r["content"] for r in rows])
    path = cache / f"scale-{n}.db"
    for suffix in ("", "-wal", "-shm", ".hnsw", ".hnsw.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    build_database(path, rows, vectors, n)
    build = time.perf_counter() - start
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = resource.getrusage(resource.RUSAGE_SELF)
    with ClaimStore(path) as store:
        summary = link(store)
        counts = store.link_counts()
    after = resource.getrusage(resource.RUSAGE_SELF)
    peak = after.ru_maxrss
    # CPU seconds as well as wall time: on a shared machine the wall time of one run
    # depends on what else runs, the CPU time much less.
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "n": n,
        "db_build_s": build,
        "link_s": summary.seconds,
        "link_cpu_s": cpu,
        **{f"{k}_s": v for k, v in summary.timings.items()},
        "peak_rss_mb": peak / 1024,
        "rss_before_link_mb": base_rss / 1024,
        "links": counts["links"],
        "clusters": counts["clusters"],
        "contradict": counts.get("contradict", 0),
    }


def incremental(n: int, add: int, cache: Path) -> None:
    """Link ``n`` claims, then add ``add`` more (another batch of articles) and time the
    second run, which reuses the index saved next to the database."""
    from claimgraph.link import link
    from claimgraph.store import ClaimStore

    rows = polnear_claims()
    vectors = cached_vectors(cache, "content", [r["content"] for r in rows])
    path = cache / f"incremental-{n}.db"
    for suffix in ("", "-wal", "-shm", ".hnsw", ".hnsw.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    build_database(path, rows, vectors, n)
    with ClaimStore(path) as store:
        first = link(store)
    build_database(path, rows, vectors, n + add, docs_from=(n + 19) // 20)
    with ClaimStore(path) as store:
        second = link(store)
    for name, summary in ((f"first run, {n} claims", first), (f"incremental, +{add}", second)):
        steps = ", ".join(f"{k} {v:.2f}" for k, v in summary.timings.items())
        print(f"{name}: {summary.seconds:.1f} s, searched {summary.searched}, "
              f"{summary.links} new links ({steps})")  # fmt: skip


def scale(sizes: list[int], cache: Path) -> None:
    results = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "scale-one", str(n), "--cache", str(cache)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"done {n}", file=sys.stderr)
    keys = ["link_s", "link_cpu_s", "load_s", "index_s", "search_s", "relate_s", "cluster_s",
            "peak_rss_mb", "links", "clusters", "contradict"]  # fmt: skip
    print(f"{'claims':>22s}" + "".join(f"{r['n']:>12d}" for r in results))
    for key in keys:
        print(f"{key:>22s}" + "".join(f"{r.get(key, 0):12.1f}" for r in results))
    first = results[0]
    for r in results[1:]:
        print(f"{first['n']} → {r['n']}: N x{r['n'] / first['n']:.1f}, "
              f"link time x{r['link_s'] / first['link_s']:.1f} "
              f"(CPU x{r['link_cpu_s'] / first['link_cpu_s']:.1f}), "
              f"per claim {1e6 * first['link_s'] / first['n']:.0f} → "
              f"{1e6 * r['link_s'] / r['n']:.0f} µs")  # fmt: skip


# -- relations on the multi-outlet corpus --------------------------------------------------------


CORPUS = ROOT / "tests" / "fixtures" / "multi_outlet"


def load_gold(path: Path) -> dict[tuple[tuple[str, str], tuple[str, str]], str]:
    """Gold pairs of ``relations.tsv``: ((file, start words), (file, start words)) → relation,
    the two claims in sorted order."""
    gold = {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]  # fmt: skip
    for line in lines[1:]:
        doc_a, start_a, doc_b, start_b, relation, *_ = line.split("\t")
        a, b = sorted([(doc_a, start_a), (doc_b, start_b)])
        gold[(a, b)] = relation
    return gold


def score_relations(
    gold: dict[tuple[tuple[str, str], tuple[str, str]], str],
    predicted: dict[tuple[tuple[str, str], tuple[str, str]], str],
) -> dict[str, tuple[int, int, int]]:
    """Per relation: (true positives, predicted, gold). A pair absent from one side counts
    as "unrelated" there."""
    out = {}
    for rel in ("agree", "contradict", "discuss"):
        pred = {k for k, v in predicted.items() if v == rel}
        want = {k for k, v in gold.items() if v == rel}
        out[rel] = (len(pred & want), len(pred), len(want))
    return out


def relations(use_stance: bool) -> None:
    import tempfile

    from claimgraph import api
    from claimgraph.link import link, load_stance
    from claimgraph.store import ClaimStore

    gold = load_gold(CORPUS.parent / "multi_outlet_relations.tsv")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "multi.db"
        api.run([CORPUS], db, on_error=lambda e: print(e, file=sys.stderr))
        with ClaimStore(db) as store:
            summary = link(store, stance=load_stance() if use_stance else None)
        import sqlite3

        con = sqlite3.connect(db)
        names = {}
        for cid, origin, text in con.execute(
            "SELECT c.claim_id, d.origin, c.content_text FROM claims c "
            "JOIN documents d USING (doc_id)"
        ):
            names[cid] = (Path(origin).name, " ".join(text.split()[:6]))
        predicted = {}
        for a, b, rel in con.execute("SELECT claim_a, claim_b, relation FROM claim_links"):
            x, y = sorted([names[a], names[b]])
            predicted[(x, y)] = rel
        con.close()
    unknown = {n for pair in gold for n in pair} - set(names.values())
    for n in sorted(unknown):
        print(f"gold claim not extracted: {n}", file=sys.stderr)
    print(f"{len(names)} claims, {sum(summary.relations.values())} links {summary.relations}"
          f" (stance model: {'yes' if use_stance else 'no'}); {len(gold)} gold pairs")  # fmt: skip
    print(f"{'relation':>11s} {'tp':>4s} {'pred':>5s} {'gold':>5s} {'P':>6s} {'R':>6s}")
    for rel, (tp, npred, ngold) in score_relations(gold, predicted).items():
        p = tp / npred if npred else 0.0
        r = tp / ngold if ngold else 0.0
        print(f"{rel:>11s} {tp:4d} {npred:5d} {ngold:5d} {p:6.2f} {r:6.2f}")
    for (x, y), rel in sorted(predicted.items()):
        if gold.get((x, y), "unrelated") != rel:
            print(f"  wrong {rel:>10s} (gold {gold.get((x, y), 'unrelated')}): {x[1]!r} / {y[1]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "task", choices=["ann", "thresholds", "scale", "scale-one", "incremental", "relations"]
    )
    parser.add_argument("n", nargs="?", type=int)
    parser.add_argument("--n", dest="n_opt", type=int, default=20000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000, 100000])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/claimgraph-linking"))
    parser.add_argument("--add", type=int, default=1000)
    parser.add_argument("--stance", action="store_true", help="relations: ask the stance model")
    args = parser.parse_args()
    if args.task == "relations":
        relations(args.stance)
        return
    if not POLNEAR.is_dir():
        sys.exit(f"{POLNEAR}: PolNeAR not found (expected ../shared/data/polnear)")
    if args.task == "scale-one":
        print(json.dumps(scale_one(args.n, args.cache)))
        return
    if args.task == "incremental":
        incremental(args.n or 100000, args.add, args.cache)
        return
    if args.task == "scale":
        scale(args.sizes, args.cache)
        return
    rows = polnear_claims()
    if args.task == "ann":
        vectors = cached_vectors(args.cache, "content", [r["content"] for r in rows])
        compare_ann(vectors[: args.n_opt])
    else:
        thresholds(rows, args.cache)


if __name__ == "__main__":
    main()
