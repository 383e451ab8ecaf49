"""How much of what claimgraph extracts is tied to canonical entities, on a folder of articles.

For the claims (narrative records aside): the share whose source has a canonical entity, the
share whose source has an affiliation, the share with at least one target; per article, the
canonical entities and the narrative records. The README's entity figures on PolNeAR dev:

    python scripts/entity_stats.py ../shared/data/polnear/dev/text
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import claimgraph
from claimgraph.records import Claim, Document


def entity_stats(results: Iterable[tuple[Document, list[Claim]]]) -> dict[str, float]:
    """The figures above for ``claimgraph.process`` results (percentages, per-article means)."""
    articles = entities = narrative = claims = sourced = linked = affiliated = targeted = 0
    for document, found in results:
        articles += 1
        entities += len(document.entities)
        for c in found:
            if c.kind == "narrative":
                narrative += 1
                continue
            claims += 1
            targeted += bool(c.targets)
            if c.source is not None:
                sourced += 1
                linked += c.source.entity_id is not None
                affiliated += c.source.affiliation is not None

    def share(n: int, of: int) -> float:
        return round(100 * n / of, 1) if of else 0.0

    return {
        "articles": articles,
        "claims": claims,
        "sources": sourced,
        "source_entity_pct": share(linked, sourced),
        "source_affiliation_pct": share(affiliated, sourced),
        "claims_with_target_pct": share(targeted, claims),
        "entities_per_article": round(entities / articles, 1) if articles else 0.0,
        "narrative_per_article": round(narrative / articles, 1) if articles else 0.0,
    }


def format_stats(s: dict[str, float]) -> str:
    return (
        f"articles {s['articles']}  claims {s['claims']} ({s['sources']} with a source)  "
        f"source entity {s['source_entity_pct']} %  affiliation {s['source_affiliation_pct']} %  "
        f"claims with a target {s['claims_with_target_pct']} %  entities/article "
        f"{s['entities_per_article']}  narrative/article {s['narrative_per_article']}"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    files = sorted(str(p) for p in Path(argv[0]).glob("*.txt"))
    print(format_stats(entity_stats(claimgraph.process(files))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
