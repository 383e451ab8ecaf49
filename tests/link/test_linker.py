"""Linking the multi-outlet corpus end to end, and linking it again in two batches."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from claimgraph.link import LinkSettings, link
from claimgraph.link.embed import MODEL_NAME
from claimgraph.records import Claim
from claimgraph.store import ClaimStore

ACCUSATION = "The United States supports terrorists in Syria and its flirting with them"
DISMISSAL = "Russian accusations that the United States supports terrorists in Syria"
COMPLICITY = "complicity with Daesh in Syria"
RIDICULOUS = "The aim of the US-led coalition in Syria is to fight Daesh terrorist group"


def _claim(store: ClaimStore, outlet: str, starts: str) -> Claim:
    docs = {d.doc_id: d.outlet for d in store.documents()}
    found = [c for c in store.claims() if docs[c.doc_id] == outlet
             and c.content.text.startswith(starts)]  # fmt: skip
    assert len(found) == 1, (outlet, starts, found)
    return found[0]


def _relation(store: ClaimStore, a: Claim, b: Claim) -> str | None:
    first, second = sorted((a.claim_id, b.claim_id))
    for x, y, _, relation, _, _ in store.links():
        if (x, y) == (first, second):
            return relation
    return None


def test_the_accusation_and_the_denials_contradict(linked_db: Path) -> None:
    with ClaimStore(linked_db) as store:
        accusation = _claim(store, "TASS", ACCUSATION)
        assert accusation.source is not None
        assert accusation.source.text == "the Russian Defense Ministry"
        # CNN: "The Pentagon on Friday dismissed Russian accusations that …"
        assert _relation(store, accusation, _claim(store, "CNN", DISMISSAL)) == "contradict"
        # Sputnik: "… any claims to the contrary are ridiculous, a Pentagon spokesperson told"
        assert _relation(store, accusation, _claim(store, "Sputnik", RIDICULOUS)) == "contradict"
        # Sputnik: "The same day, the Pentagon denied complicity with Daesh in Syria."
        assert _relation(store, accusation, _claim(store, "Sputnik", COMPLICITY)) == "contradict"


def test_the_published_pictures_contradict_nobody(linked_db: Path) -> None:
    # Sputnik: "… published a batch of aerial pictures showing that …": evidence offered,
    # whichever of "published" or "published a batch of" the model makes the cue.
    with ClaimStore(linked_db) as store:
        pictures = [
            c for c in store.claims()
            if "aerial pictures" in f"{c.cue.text} {c.content.text}" and c.cue.cls == "publish"
        ]  # fmt: skip
        assert pictures
        ids = {c.claim_id for c in pictures}
        contradicted = [
            (x, y) for x, y, _, relation, _, _ in store.links()
            if relation == "contradict" and {x, y} & ids
        ]  # fmt: skip
        assert contradicted == []


def test_repetitions_across_outlets_agree_in_one_cluster(linked_db: Path) -> None:
    with ClaimStore(linked_db) as store:
        accusation = _claim(store, "TASS", ACCUSATION)
        reuters = _claim(store, "Reuters", "that the United States was supporting terrorists")
        cnn = _claim(store, "CNN", "that the United States was supporting and flirting")
        assert _relation(store, accusation, reuters) == "agree"
        assert _relation(store, reuters, cnn) == "agree"
        (cluster,) = [c for c in store.clusters()
                      if accusation.claim_id in {m["claim_id"] for m in c["members"]}]  # fmt: skip
        members = {m["claim_id"]: m for m in cluster["members"]}
        assert {reuters.claim_id, cnn.claim_id} <= members.keys()
        assert {m["outlet"] for m in members.values()} >= {"TASS", "Reuters", "CNN"}
        assert {members[c.claim_id]["stance"] for c in (accusation, reuters, cnn)} == {"agree"}
        # The Russian Defense Ministry spoke on Wednesday 4 October; TASS carried it first.
        assert cluster["first_seen"] == "2017-10-04"
        assert cluster["first_outlet"] == "TASS"
        assert cluster["documents"] >= 3
        # Pentagon denials repeated by two outlets agree too, in a cluster of their own.
        complicity = _claim(store, "Sputnik", COMPLICITY)
        assert _relation(store, complicity, _claim(store, "Reuters", "complicity")) == "agree"


def test_every_claim_is_embedded_once_with_the_model_name(linked_db: Path) -> None:
    with ClaimStore(linked_db) as store:
        rows = store.connection.execute(
            "SELECT model, dim, length(vector), linked_at IS NOT NULL FROM claim_embeddings"
        ).fetchall()
        n_claims = store.counts()["claims"]
        vectors = [np.frombuffer(v, dtype=np.float32) for _, v, _ in store.embeddings(MODEL_NAME)]
    assert len(rows) == n_claims
    assert set(rows) == {(MODEL_NAME, 384, 384 * 4, 1)}
    assert np.allclose([np.linalg.norm(v) for v in vectors], 1.0, atol=1e-4)


def test_linking_again_adds_nothing(linked: Path) -> None:
    with ClaimStore(linked) as store:
        before = sorted(store.links())
        summary = link(store)
        assert (summary.embedded, summary.searched, summary.links) == (0, 0, 0)
        assert sorted(store.links()) == before


def test_a_second_batch_links_only_its_new_claims(linked_db: Path, tmp_path: Path) -> None:
    """TASS and Sputnik first, then Reuters and CNN: the second run embeds and searches
    only the new claims and ends with the links of a single run over all four."""
    with ClaimStore(linked_db) as full:
        documents = list(full.documents())
        claims = {d.doc_id: list(full.claims(d.doc_id)) for d in documents}
        expected = sorted(full.links())
        expected_clusters = sorted(full.clusters(), key=lambda c: c["cluster_id"])
    first = [d for d in documents if d.outlet in {"TASS", "Sputnik"}]
    second = [d for d in documents if d.outlet not in {"TASS", "Sputnik"}]
    with ClaimStore(tmp_path / "batches.db") as store:
        for d in first:
            store.add(d, claims[d.doc_id])
        one = link(store)
        first_links = set(store.links())
        for d in second:
            store.add(d, claims[d.doc_id])
        two = link(store)
        n_second = sum(len(claims[d.doc_id]) for d in second)
        assert one.embedded == one.searched == sum(len(claims[d.doc_id]) for d in first)
        assert two.embedded == two.searched == n_second
        # The index saved beside the database by the first run is reused, not rebuilt.
        assert (tmp_path / "batches.db.hnsw").exists()
        assert (one.index_reused, two.index_reused) == (0, one.embedded)
        assert first_links <= set(store.links())
        got = sorted(store.links())
        # Clusters the second run did not touch keep their rows; the result is the same as
        # working every cluster out in one run.
        clusters = sorted(store.clusters(), key=lambda c: c["cluster_id"])
    assert [(c["cluster_id"], c["size"], c["representative_claim_id"], c["first_seen"],
             [(m["claim_id"], m["stance"]) for m in c["members"]]) for c in clusters] == [
        (c["cluster_id"], c["size"], c["representative_claim_id"], c["first_seen"],
         [(m["claim_id"], m["stance"]) for m in c["members"]]) for c in expected_clusters
    ]  # fmt: skip
    assert [(a, b, r, c) for a, b, _, r, _, c in got] == [
        (a, b, r, c) for a, b, _, r, _, c in expected
    ]
    assert np.allclose([s for _, _, s, *_ in got], [s for _, _, s, *_ in expected], atol=1e-5)


def test_a_stance_model_is_asked_once_and_refines_the_rules(linked: Path) -> None:
    asked: list[int] = []

    def says_disagree(pairs: list[tuple[str, str]]) -> list[str]:
        asked.append(len(pairs))
        return ["disagree"] * len(pairs)

    with ClaimStore(linked) as store:
        store.connection.execute("DELETE FROM claim_links")
        store.connection.execute("UPDATE claim_embeddings SET linked_at = NULL")
        link(store, stance=says_disagree)
        accusation = _claim(store, "TASS", ACCUSATION)
        reuters = _claim(store, "Reuters", "that the United States was supporting terrorists")
        # The same side (the Russian Defense Ministry) in two outlets: the model's "disagree"
        # cannot make a source contradict itself.
        assert _relation(store, accusation, reuters) == "agree"
        # The rules' contradiction stands whatever the model says.
        assert _relation(store, accusation, _claim(store, "CNN", DISMISSAL)) == "contradict"
        links = [(relation, reason or "") for *_, relation, reason, _ in store.links()]
    # Between two sides that the rules found agreeing, the model's disagreement makes a
    # discussion, not a contradiction.
    by_model = {relation for relation, reason in links if reason.startswith("stance model: dis")}
    assert by_model == {"discuss"}
    # Once for the neighbour pairs, once for the cluster members.
    assert len(asked) == 2 and asked[0] > 0


def test_thresholds_are_settings(linked: Path) -> None:
    with ClaimStore(linked) as store:
        store.connection.execute("DELETE FROM claim_links")
        store.connection.execute("UPDATE claim_embeddings SET linked_at = NULL")
        link(store, settings=LinkSettings(cluster_threshold=0.99, relate_threshold=0.99))
        assert store.link_counts()["clusters"] <= 2
        assert all(score >= 0.99 for _, _, score, *_ in store.links())


def test_an_empty_database_links_to_nothing(tmp_path: Path) -> None:
    with ClaimStore(tmp_path / "empty.db") as store:
        summary = link(store)
        assert (summary.embedded, summary.searched, summary.links, summary.clusters) == (0,) * 4
        assert list(store.clusters()) == []


def test_deleting_a_document_removes_its_links_and_vectors(linked: Path) -> None:
    with ClaimStore(linked) as store:
        tass = next(d for d in store.documents() if d.outlet == "TASS")
        store.connection.execute("DELETE FROM documents WHERE doc_id = ?", (tass.doc_id,))
        conn: sqlite3.Connection = store.connection
        (vectors,) = conn.execute("SELECT count(*) FROM claim_embeddings").fetchone()
        assert vectors == store.counts()["claims"] > 0
        ids = {c.claim_id for c in store.claims()}
        assert all(a in ids and b in ids for a, b, *_ in store.links())
