"""Linking claims across sources: embeddings, clusters and the stance between claims."""

from claimgraph.link.linker import LinkSettings, LinkSummary, link, rebuild_clusters
from claimgraph.link.relation import load_stance, relate
from claimgraph.link.report import contradictions, export_clusters

__all__ = [
    "LinkSettings",
    "LinkSummary",
    "contradictions",
    "export_clusters",
    "link",
    "load_stance",
    "rebuild_clusters",
    "relate",
]
