"""Read what ``link`` stored: contradictions with both sides, and cluster exports.

>>> from claimgraph.store import ClaimStore
>>> with ClaimStore(":memory:") as store:  # doctest: +SKIP
...     for pair in contradictions(store, entity="Pentagon"):
...         print(pair.a.source, "vs", pair.b.source)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from claimgraph.records import Claim
from claimgraph.store import ClaimStore

__all__ = ["Contradiction", "Side", "contradictions", "export_clusters"]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a contradiction: the claim and where and when it appeared."""

    claim: Claim
    source: str | None
    outlet: str | None
    date: str | None

    @property
    def text(self) -> str:
        return self.claim.content.text

    @property
    def start(self) -> int:
        return self.claim.content.start

    @property
    def end(self) -> int:
        return self.claim.content.end


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two claims that contradict each other, earlier side first, with the link's cosine
    and the reason the relation was chosen; ``repeats``: the documents (a's, b's) of the
    other contradicting links between the same words of the same sources (one story
    syndicated by several outlets), folded into this one."""

    a: Side
    b: Side
    score: float
    reason: str | None
    repeats: tuple[tuple[str, str], ...] = ()


_SPACE = re.compile(r"\s+")


def _said(side: Side) -> tuple[str, str, str]:
    """What a side said, as it reads: who, with which cue, which words."""

    def plain(x: str | None) -> str:
        return _SPACE.sub(" ", x or "").strip().casefold()

    return plain(side.source), plain(side.claim.cue.text), plain(side.text)


def _side(claim: Claim, outlet: str | None, published: str | None) -> Side:
    s = claim.source
    source = None if s is None else (s.entity_name or s.resolved or s.text)
    date = claim.date.value if claim.date is not None and claim.date.value else published
    return Side(claim, source, outlet, date)


def _involves(claim: Claim, entity_id: str, names: set[str]) -> bool:
    s = claim.source
    if s is not None and (s.entity_id == entity_id or (s.affiliation or "").casefold() in names):
        return True
    return any(t.entity_id == entity_id for t in claim.targets)


def contradictions(store: ClaimStore, *, entity: str | None = None) -> list[Contradiction]:
    """The stored contradictions, strongest first, each pair of the same words of the same
    sources once (its other links in ``repeats``); with ``entity`` (an id, name or alias)
    only those where it is a side's source, the organisation a source speaks for, or a
    target. Raises ``LookupError`` naming the entity when none matches."""
    links = list(store.links(relation="contradict"))
    claims = store.claims_by_id(x for a, b, *_ in links for x in (a, b))
    docs = store.document_info(c.doc_id for c in claims.values())
    wanted: tuple[str, set[str]] | None = None
    if entity is not None:
        from claimgraph.timeline import find_entity

        found = find_entity(store, entity)
        wanted = (found.entity_id, {n.casefold() for n in (found.name, *found.aliases)})
    pairs: list[Contradiction] = []
    first: dict[frozenset[tuple[str, str, str]], int] = {}  # what was said → its pair
    for a_id, b_id, score, _, reason, _ in links:
        a, b = claims.get(a_id), claims.get(b_id)
        if a is None or b is None:
            continue
        if wanted is not None and not (_involves(a, *wanted) or _involves(b, *wanted)):
            continue
        sa = _side(a, *docs.get(a.doc_id, (None, None)))
        sb = _side(b, *docs.get(b.doc_id, (None, None)))
        if (sb.date or "~") < (sa.date or "~"):
            sa, sb = sb, sa
        said = frozenset((_said(sa), _said(sb)))
        if said in first:
            k = first[said]
            shown = pairs[k]
            docs_ab = (sa.claim.doc_id, sb.claim.doc_id)
            pairs[k] = replace(shown, repeats=(*shown.repeats, docs_ab))
            continue
        first[said] = len(pairs)
        pairs.append(Contradiction(sa, sb, score, reason))
    return pairs


def export_clusters(store: ClaimStore, out: Path) -> int:
    """Write the clusters, one per record with their members, as JSONL or Parquet (by the
    file's suffix: ``.parquet`` or anything else for JSONL); returns how many."""
    clusters: list[dict[str, Any]] = list(store.clusters())
    if out.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(clusters, schema=_parquet_schema()), out)
    else:
        with out.open("w", encoding="utf-8") as fh:
            for cluster in clusters:
                fh.write(json.dumps(cluster, ensure_ascii=False) + "\n")
    return len(clusters)


def _parquet_schema() -> Any:
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    member = pa.struct([("position", i), ("claim_id", s), ("source", s), ("outlet", s),
                        ("date", s), ("stance", s), ("score", f)])  # fmt: skip
    return pa.schema([
        ("cluster_id", s), ("size", i), ("documents", i), ("representative_claim_id", s),
        ("representative_text", s), ("first_seen", s), ("first_claim_id", s),
        ("first_source", s), ("first_outlet", s), ("members", pa.list_(member)),
    ])  # fmt: skip
