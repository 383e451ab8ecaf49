"""The cue lexicon (``data/cues.tsv``): which words report speech or attitude, and how.

Each row gives a lemma, its part of speech (VERB or NOUN) and its class: assert, deny,
accuse, warn, publish or other. ``scripts/build_cue_lexicon.py`` builds the file from the
PolNeAR training split; users may add rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Token

LINKING_PREPS = frozenset({"for", "about", "to", "of", "on", "against"})
# verbs that also name physical acts ("attacked Syrian positions"): a cue only when aimed at
# someone (a person, organisation, country or pronoun) or with a reason ("for …")
PHYSICAL_VERBS = frozenset({"attack", "hit", "strike", "target", "blast", "slam", "back"})
# verbs that make a report noun their object without adding meaning: "made the claim that"
LIGHT_VERBS = frozenset({"make", "issue", "repeat", "release", "level", "voice", "express"})


@dataclass(frozen=True)
class Lexicon:
    verbs: frozenset[str]
    nouns: frozenset[str]
    classes: dict[str, str] = field(default_factory=dict)
    linking_preps: frozenset[str] = LINKING_PREPS
    light_verbs: frozenset[str] = LIGHT_VERBS
    physical_verbs: frozenset[str] = PHYSICAL_VERBS

    def cue_lemma(self, tok: Token) -> str:
        return tok.lemma_.lower()

    def cue_class(self, lemma: str) -> str:
        return self.classes.get(lemma.lower(), "other")


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read the shipped lexicon once per process."""
    path = resources.files("claimgraph") / "data" / "cues.tsv"
    verbs: set[str] = set()
    nouns: set[str] = set()
    classes: dict[str, str] = {"according to": "assert"}
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for row in rows:
            lemma = row["lemma"].strip().lower()
            (verbs if row["pos"] == "VERB" else nouns).add(lemma)
            classes.setdefault(lemma, row["class"].strip())
    return Lexicon(frozenset(verbs), frozenset(nouns), classes)


def cue_class(lemma: str) -> str:
    """The class of a cue lemma: assert | deny | accuse | warn | publish | other."""
    return load_lexicon().cue_class(lemma)
