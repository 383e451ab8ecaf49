"""Link the claims of a database across documents: neighbours, relations, clusters.

``link(store)`` does, for the claims not linked yet (a new batch of articles):

1. embed each claim's content once (``claim_embeddings``, float32 BLOBs with the model name);
2. open the HNSW index saved next to the database (adding only the vectors it lacks) or
   build it over every stored vector when there is none or it does not match, and ask it
   for each new claim's ``k`` nearest claims, so linking N claims costs ~N log N rather than
   N², and linking a new batch costs about the batch;
3. keep a neighbour pair when its cosine reaches ``cluster_threshold`` (the same
   proposition: the pair joins one cluster, whatever the relation), or when it reaches the
   lower ``relate_threshold``, the two claims share a target entity and one explicitly
   denies what the other asserts and answers it (the accused denies, or the denial rebuts
   the other's source: ``relation.relate(..., same_proposition=False)``); an accusation and
   its denial are worded differently, so they sit further apart than two repetitions. Each
   kept pair gets its relation (``claimgraph.link.relation``);
4. rebuild the clusters from the clustered links (union of links), working out again only
   those that the new links touch: each with a
   representative (the member closest to the cluster's mean vector), when and by whom it was
   first seen, and its members with source, outlet, date and stance towards the
   representative.

Old claims are not searched again, except those a new claim found (for their links to the
new claims, since k-NN is not symmetric): a new claim finds its old neighbours, and the link
is symmetric. The groups of claims are recomputed from all stored links each run (linear in
the links, cheap); a cluster's rows are worked out again only when its group changed.

The thresholds were set on PolNeAR (``benchmarks/linking.py thresholds``): of 323 pairs of
claims from different articles that repeat each other (a shared word 5-gram and Jaccard
≥ 0.5, found without the vectors), a cosine of 0.80 keeps 76 % while 2 in 10,000 random
cross-article pairs pass; read in bands, neighbours at 0.80–0.85 are mostly the same
proposition ("that she never sent or received classified information" / "that none of her
emails were marked classified") and at 0.75–0.80 mostly only the same topic.

0.40 is the relate threshold: the accusation–denial pairs of the multi-outlet test corpus sit
at 0.38–0.75 (a denial repeats few words of the accusation), and at topic level only an
explicit denial that answers the other claim counts, which on the 924 PolNeAR articles keeps
81 topic-level contradictions (5,264 when any negation on a shared target counted).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from claimgraph.link.embed import MODEL_NAME, embed_texts, load_model
from claimgraph.link.index import ClaimIndex, locality_order, open_index
from claimgraph.link.relation import StanceFn, polarity, relate_many
from claimgraph.records import Claim
from claimgraph.store import ClaimStore

__all__ = ["LinkSettings", "LinkSummary", "link", "rebuild_clusters"]

# Vectors written per transaction while embedding: an interrupted run keeps what it embedded.
_EMBED_CHUNK = 2048


@dataclass(frozen=True)
class LinkSettings:
    """Thresholds on the cosine of two claims' content vectors (see the README for how they
    were tuned on PolNeAR), and how many neighbours each new claim is compared with."""

    cluster_threshold: float = 0.80
    relate_threshold: float = 0.40
    neighbours: int = 20
    # PolNeAR content spans include bare noun phrases ("the attack", "the media") whose
    # vectors sit close to any other mention of the thing: no proposition, no link.
    min_words: int = 4


@dataclass
class LinkSummary:
    """What a ``link`` run did."""

    embedded: int = 0
    searched: int = 0
    # Rows of the index saved by an earlier run that were used as they were (not rebuilt).
    index_reused: int = 0
    links: int = 0
    clusters: int = 0
    relations: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str, int, int | None], None]


def link(
    store: ClaimStore,
    *,
    settings: LinkSettings | None = None,
    stance: StanceFn | None = None,
    model: Any | None = None,
    on_progress: Progress | None = None,
) -> LinkSummary:
    """Embed, link and cluster the claims of ``store`` not linked yet.

    ``stance`` is an optional stance model (``claimgraph.link.relation.load_stance()``);
    ``on_progress(stage, advance, total)`` is called as work is done (stage "embedding",
    "linking", "clustering"; ``total`` given with ``advance`` 0 when a stage starts).
    """
    settings = settings or LinkSettings()
    report = on_progress or (lambda stage, advance, total: None)
    summary = LinkSummary()
    start = time.perf_counter()

    # Linking reads and writes rows all over the database (claims of every neighbour pair,
    # links, marks): with SQLite's default 2 MB page cache each B-tree lookup misses more
    # often as the database grows, which made the cost per claim grow with N. 128 MB
    # (negative: KiB) keeps the claim and link tables' inner pages in memory at 100k claims.
    store.connection.execute("PRAGMA cache_size = -131072")
    todo = store.claims_to_embed(MODEL_NAME)
    report("embedding", 0, len(todo))
    if todo:
        model = model or load_model()
        for i in range(0, len(todo), _EMBED_CHUNK):
            chunk = todo[i : i + _EMBED_CHUNK]
            vectors = embed_texts(
                [" ".join(text.split()) for _, text in chunk],
                model=model,
                on_batch=lambda n: report("embedding", n, None),
            )
            store.add_embeddings(
                MODEL_NAME,
                vectors.shape[1],
                ((cid, v.tobytes()) for (cid, _), v in zip(chunk, vectors, strict=True)),
            )
    summary.embedded = len(todo)
    summary.timings["embed"] = time.perf_counter() - start

    t = time.perf_counter()
    ids, matrix, new_rows = load_vectors(store)
    summary.timings["load"] = time.perf_counter() - t
    summary.searched = len(new_rows)
    new_links: list[tuple[str, str, float, str, str | None, bool]] = []
    report("linking", 0, len(new_rows))
    if len(new_rows):
        t = time.perf_counter()
        index, done = open_index(index_path(store), MODEL_NAME, ids, matrix)
        summary.index_reused = done["reused"]
        summary.timings["index"] = time.perf_counter() - t
        t = time.perf_counter()
        pairs = _neighbour_pairs(index, matrix, new_rows, settings, report)
        summary.timings["search"] = time.perf_counter() - t
        t = time.perf_counter()
        links = new_links = _relate_pairs(store, ids, pairs, settings, stance)
        store.add_links(links)
        store.mark_linked(ids[row] for row in new_rows)
        summary.timings["relate"] = time.perf_counter() - t
        summary.links = len(links)
        for link_row in links:
            summary.relations[link_row[3]] = summary.relations.get(link_row[3], 0) + 1

    t = time.perf_counter()
    report("clustering", 0, None)
    # A first run (nothing was linked before) works out every cluster; a later run only
    # those that its new links touch.
    touched = None
    if summary.searched < len(ids):
        touched = {ids[row] for row in new_rows} | {c for row in new_links for c in row[:2]}
    summary.clusters = rebuild_clusters(store, ids, matrix, stance=stance, touched=touched)
    summary.timings["cluster"] = time.perf_counter() - t
    summary.seconds = time.perf_counter() - start
    return summary


def index_path(store: ClaimStore) -> Path | None:
    """Where the ANN index of ``store`` is kept: beside the database file (None in memory)."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        return None
    return path.with_name(path.name + ".hnsw")


def load_vectors(store: ClaimStore) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every stored vector of the model: claim ids, the matrix (one row each) and the rows
    of the claims not linked yet."""
    ids: list[str] = []
    blobs: list[bytes] = []
    new_rows: list[int] = []
    for claim_id, vector, linked in store.embeddings(MODEL_NAME):
        if not linked:
            new_rows.append(len(ids))
        ids.append(claim_id)
        blobs.append(vector)
    if not blobs:
        return ids, np.empty((0, 0), dtype=np.float32), np.array([], dtype=np.int64)
    matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), -1)
    return ids, matrix, np.array(new_rows, dtype=np.int64)


def _neighbour_pairs(
    index: ClaimIndex,
    matrix: np.ndarray,
    rows: np.ndarray,
    settings: LinkSettings,
    report: Progress,
) -> dict[tuple[int, int], float]:
    """Row pairs (low, high) with their cosine, for new rows and their neighbours above
    ``relate_threshold``."""
    pairs: dict[tuple[int, int], float] = {}
    # Similar queries one after another read the same part of the index (cache-friendly).
    rows = rows[locality_order(matrix[rows])]
    _search_pairs(index, matrix, rows, settings, pairs, lambda row, other: other != row,
                  lambda n: report("linking", n, None))  # fmt: skip
    # Old claims are not searched again, but a new claim can be among an old claim's k
    # nearest without the old one being among the new one's (k-NN is not symmetric). The old
    # claims that the new ones found are searched once more, for their links to new claims
    # only: so linking in batches ends with the links of one run over everything.
    new = set(rows.tolist())
    old = np.array(sorted({r for pair in pairs for r in pair} - new), dtype=np.int64)
    _search_pairs(index, matrix, old, settings, pairs, lambda row, other: other in new)
    return pairs


def _search_pairs(
    index: ClaimIndex,
    matrix: np.ndarray,
    rows: np.ndarray,
    settings: LinkSettings,
    pairs: dict[tuple[int, int], float],
    wanted: Callable[[int, int], bool],
    on_batch: Callable[[int], None] | None = None,
    step: int = 4096,
) -> None:
    """Add to ``pairs`` each (row, neighbour) at ``relate_threshold`` or more that
    ``wanted(row, neighbour)`` accepts, for every row of ``rows``."""
    for i in range(0, len(rows), step):
        batch = rows[i : i + step]
        # One more than asked: the claim itself is among its neighbours.
        labels, scores = index.search(matrix[batch], settings.neighbours + 1)
        for row, found, cosines in zip(batch.tolist(), labels, scores, strict=True):
            keep = cosines >= settings.relate_threshold
            for other, cosine in zip(found[keep].tolist(), cosines[keep].tolist(), strict=True):
                if wanted(row, other):
                    pairs[(row, other) if row < other else (other, row)] = cosine
        if on_batch is not None:
            on_batch(len(batch))


def _words(claim: Claim) -> int:
    return len(claim.content.text.split())


def _entities(claim: Claim) -> set[str]:
    return {t.entity_id for t in claim.targets}


def _relate_pairs(
    store: ClaimStore,
    ids: list[str],
    pairs: dict[tuple[int, int], float],
    settings: LinkSettings,
    stance: StanceFn | None,
) -> list[tuple[str, str, float, str, str | None, bool]]:
    claims = store.claims_by_id(ids[r] for pair in pairs for r in pair)
    # Worked out once per claim, not once per pair it is in.
    long_enough = {c: _words(claim) >= settings.min_words for c, claim in claims.items()}
    targets = {c: _entities(claim) for c, claim in claims.items()}
    candidates: list[tuple[Claim, Claim, float]] = []
    for (r1, r2), cosine in pairs.items():
        id_a, id_b = ids[r1], ids[r2]
        if not (long_enough.get(id_a) and long_enough.get(id_b)):
            continue
        if cosine >= settings.cluster_threshold or targets[id_a] & targets[id_b]:
            candidates.append((claims[id_a], claims[id_b], cosine))
    relations = relate_many(
        [(a, b) for a, b, _ in candidates],
        stance=stance,
        same_proposition=[cosine >= settings.cluster_threshold for *_, cosine in candidates],
    )
    links = []
    for (a, b, cosine), rel in zip(candidates, relations, strict=True):
        clustered = cosine >= settings.cluster_threshold
        if clustered or rel.relation == "contradict":
            links.append((a.claim_id, b.claim_id, cosine, rel.relation, rel.reason, clustered))
    return links


def rebuild_clusters(
    store: ClaimStore,
    ids: list[str] | None = None,
    matrix: np.ndarray | None = None,
    *,
    stance: StanceFn | None = None,
    touched: set[str] | None = None,
) -> int:
    """Recompute the clusters from the clustered links; returns how many there are.

    With ``touched`` (the claims of the links found by this run), a group of claims that
    contains none of them and is exactly a stored cluster keeps its stored rows: only the
    clusters that a new batch changed are worked out again. Without it, every cluster is."""
    if ids is None or matrix is None:
        ids, matrix, _ = load_vectors(store)
    row_of = {claim_id: i for i, claim_id in enumerate(ids)}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for a, b, *_ in store.links(clustered=True):
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for claim_id in parent:
        groups[find(claim_id)].append(claim_id)

    kept_clusters: list[tuple[Any, ...]] = []
    kept_members: list[tuple[Any, ...]] = []
    if touched is not None:
        stored = {frozenset(m["claim_id"] for m in c["members"]): c for c in store.clusters()}
        for root, group in list(groups.items()):
            cluster = stored.get(frozenset(group))
            # A stored size that differs: a member was deleted since (its rows cascade).
            if cluster is None or cluster["size"] != len(group) or touched.intersection(group):
                continue
            members = cluster.pop("members")
            kept_clusters.append(tuple(cluster.values()))
            kept_members.extend((cluster["cluster_id"], *m.values()) for m in members)
            del groups[root]

    members_all = [m for group in groups.values() for m in group]
    claims = store.claims_by_id(members_all)
    docs = store.document_info(c.doc_id for c in claims.values())
    cluster_rows: list[tuple[Any, ...]] = []
    member_rows: list[tuple[Any, ...]] = []

    def published_of(claim: Claim) -> str:
        return docs.get(claim.doc_id, (None, None))[1] or "~"

    pending: list[tuple[str, list[tuple[Claim, str | None, str | None, str | None]], Claim]] = []
    for group in groups.values():
        found = [claims[c] for c in group if c in claims]
        if len(found) < 2:
            continue
        info = []
        for c in found:
            outlet, published = docs.get(c.doc_id, (None, None))
            info.append((c, _source_name(c), outlet, _date_of(c, published)))
        # Earliest date first, undated members last; among claims said the same day, the
        # one published first (who carried it first), then the claim id for stability.
        info.sort(key=lambda m: (m[3] is None, m[3] or "", published_of(m[0]), m[0].claim_id))
        rep = _representative([c for c, *_ in info], row_of, matrix)
        pending.append((info[0][0].claim_id, info, rep))
    pairs = [(rep, c) for _, info, rep in pending for c, *_ in info]
    relations = iter(relate_many(pairs, stance=stance))
    for cluster_id, info, rep in pending:
        first, first_source, first_outlet, first_date = info[0]
        cluster_rows.append((
            cluster_id, len(info), len({c.doc_id for c, *_ in info}), rep.claim_id,
            rep.content.text, first_date, first.claim_id, first_source, first_outlet,
        ))  # fmt: skip
        for position, (c, source, outlet, date) in enumerate(info):
            rel = next(relations)
            stance_name = "agree" if c.claim_id == rep.claim_id else rel.relation
            score = None
            if c.claim_id in row_of and rep.claim_id in row_of:
                score = float(matrix[row_of[c.claim_id]] @ matrix[row_of[rep.claim_id]])
            member_rows.append(
                (cluster_id, position, c.claim_id, source, outlet, date, stance_name, score)
            )
    store.replace_clusters(kept_clusters + cluster_rows, kept_members + member_rows)
    return len(kept_clusters) + len(cluster_rows)


def _representative(members: list[Claim], row_of: dict[str, int], matrix: np.ndarray) -> Claim:
    """The member nearest the mean of the cluster's vectors (a medoid in linear time), among
    the members that assert the proposition without a hedge when there are any."""
    # A member that asserts the proposition plainly stands for it best; a hedged or denying
    # member would make every other member's stance relative to a hedge or a denial.
    plain = [c for c in members if not c.hedged and polarity(c)[0] > 0] or members
    rows = [row_of.get(c.claim_id) for c in plain]
    known = [(c, r) for c, r in zip(plain, rows, strict=True) if r is not None]
    if not known:
        return plain[0]
    vectors = matrix[[r for _, r in known]]
    scores = vectors @ vectors.mean(axis=0)
    return known[int(np.argmax(scores))][0]


def _source_name(claim: Claim) -> str | None:
    s = claim.source
    if s is None:
        return None
    return s.entity_name or s.resolved or s.text


def _date_of(claim: Claim, published: str | None) -> str | None:
    """When the claim was made: the date its source said it, else the article's date."""
    if claim.date is not None and claim.date.value:
        return claim.date.value
    return published
