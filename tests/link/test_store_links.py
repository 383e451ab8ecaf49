"""The store's tables for linking: vectors, links and clusters (schema version 3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimgraph.records import Claim, Content, Cue, Document, Source, claim_id, content_id
from claimgraph.store import ClaimStore

TEXT = "The Pentagon denied complicity with Daesh. Moscow said the US supports terrorists."


def _store(path: Path) -> tuple[ClaimStore, list[Claim]]:
    doc = Document(content_id(TEXT), TEXT, outlet="Sputnik", published="2017-10-07")
    claims = []
    for source, cue, cls, content in (
        ("The Pentagon", "denied", "deny", "complicity with Daesh"),
        ("Moscow", "said", "assert", "the US supports terrorists"),
    ):
        s, c, b = TEXT.index(source), TEXT.index(cue), TEXT.index(content)
        frags = ((b, b + len(content)),)
        claims.append(Claim(doc.doc_id, claim_id(doc.doc_id, c, frags), "indirect",
                            Source(source, s, s + len(source)), Cue(cue, c, c + len(cue), cue, cls),
                            Content(content, frags)))  # type: ignore[arg-type]  # fmt: skip
    store = ClaimStore(path)
    store.add(doc, claims)
    return store, claims


def test_vectors_are_stored_once_per_model(tmp_path: Path) -> None:
    store, (a, b) = _store(tmp_path / "c.db")
    with store:
        assert [cid for cid, _ in store.claims_to_embed("m1")] == [a.claim_id, b.claim_id]
        vector = np.arange(4, dtype=np.float32)
        store.add_embeddings("m1", 4, [(a.claim_id, vector.tobytes())])
        assert [cid for cid, _ in store.claims_to_embed("m1")] == [b.claim_id]
        ((cid, blob, linked),) = store.embeddings("m1")
        assert (cid, linked) == (a.claim_id, False)
        assert np.frombuffer(blob, dtype=np.float32).tolist() == [0.0, 1.0, 2.0, 3.0]
        store.mark_linked([a.claim_id])
        assert [linked for *_, linked in store.embeddings("m1")] == [True]
        # Another model: both claims need new vectors, and a new vector is not linked yet.
        assert len(store.claims_to_embed("m2")) == 2
        store.add_embeddings("m2", 4, [(a.claim_id, vector.tobytes())])
        assert list(store.embeddings("m1")) == []
        assert [linked for *_, linked in store.embeddings("m2")] == [False]


def test_links_are_kept_once_per_pair_in_id_order(tmp_path: Path) -> None:
    store, (a, b) = _store(tmp_path / "c.db")
    first, second = sorted((a.claim_id, b.claim_id))
    with store:
        store.add_links([(second, first, 0.7, "contradict", "deny vs assert", False)])
        store.add_links([(first, second, 0.8, "contradict", "again", False),
                         (first, first, 1.0, "agree", None, True)])  # fmt: skip
        assert list(store.links()) == [(first, second, 0.8, "contradict", "again", False)]
        assert list(store.links(relation="agree")) == []
        assert store.link_counts() == {"embedded": 0, "linked": 0, "contradict": 1, "links": 1,
                                       "clusters": 0}  # fmt: skip


def test_an_unknown_relation_is_refused(tmp_path: Path) -> None:
    store, (a, b) = _store(tmp_path / "c.db")
    with store, pytest.raises(Exception, match="CHECK constraint"):
        store.add_links([(a.claim_id, b.claim_id, 0.9, "maybe", None, False)])


def test_clusters_are_replaced_whole(tmp_path: Path) -> None:
    store, (a, b) = _store(tmp_path / "c.db")
    with store:
        row = ("k1", 2, 1, a.claim_id, a.content.text, "2017-10-07", a.claim_id, "Pentagon",
               "Sputnik")  # fmt: skip
        members = [
            ("k1", 0, a.claim_id, "Pentagon", "Sputnik", "2017-10-07", "agree", 1.0),
            ("k1", 1, b.claim_id, "Moscow", "Sputnik", "2017-10-07", "contradict", 0.6),
        ]
        store.replace_clusters([row], members)
        (cluster,) = store.clusters()
        assert cluster["first_source"] == "Pentagon"
        assert [m["stance"] for m in cluster["members"]] == ["agree", "contradict"]
        store.replace_clusters([], [])
        assert list(store.clusters()) == []
