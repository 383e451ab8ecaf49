"""Canonical entities: one id for every way a document names someone, and who each claim is
by and about.

``link_entities(doc, attributions)`` sets

- ``doc._.entities``: a ``records.Entity`` for every entity the document mentions (spaCy's
  PERSON / ORG / GPE / NORP / LOC / FAC entities, plus alias-table names the model missed),
  with the kind corrected where the alias table knows better ("Daesh" is an ORG, the outlet
  "Sputnik" is no PERSON);
- on every attribution ``entity`` (the source's canonical entity; pronoun and nominal
  sources go through ``att.resolved``, set by ``claimgraph.nlp.speakers``), ``affiliation``
  (the organisation a person speaks for: "a Pentagon spokesperson" → "Pentagon",
  "John Kirby, a State Department spokesman" → "State Department") and ``targets`` (the
  entities mentioned in the content and, for a claim that answers another claim — a denial,
  "any claims to the contrary are ridiculous" — the entity whose claim it answers).

An unnamed person who speaks for an organisation ("a Pentagon spokesperson", "U.S.
officials") has that organisation as entity too, so claims group by organisation.

Names are made canonical in three ways:

- the alias table ``data/aliases.csv`` (name, kind, Wikidata QID, "|"-separated aliases,
  and optionally the entity it is part of): Daesh = ISIS = ISIL = IS = Islamic State; the
  Pentagon is part of the United States. Users extend it with a CSV file of the same
  shape named by the environment variable ``CLAIMGRAPH_ALIASES``; its rows add aliases to an
  entity of the same name (or QID) or add new entities, and win over shipped aliases. Named
  outlets and platforms of ``data/media.tsv`` are organisations too;
- in-document variants of a person: "Donald Trump" / "Trump" / "Mr. Trump" (a lone
  surname or first name goes to the nearest earlier full name that has it, else the first
  later one);
- acronyms defined in the text: "Syrian Democratic Forces (SDF)" makes every "SDF" of the
  document that entity.

Entity ids are stable across documents: the QID when the alias table gives one
(``Q2429253``), else ``kind:slug`` of the canonical name (``org:syrian-democratic-forces``,
``person:john-kirby``), the kind being the table's or else the label spaCy gives most of the
entity's mentions in the document.

The alias matcher is built once per vocabulary; per document the entities are walked once
and everything else is dict and bisect lookups. Each mention's entity is kept on
``doc._.entity_mentions`` as ``(start, end, EntityRef)`` so later components (the narrative
finder) can find the entities of any span with ``entities_in``.
"""

from __future__ import annotations

import bisect
import csv
import os
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from claimgraph.nlp.lexicon import cue_class, load_lexicon
from claimgraph.nlp.model import Attribution, doc_length
from claimgraph.nlp.qualifiers import data_rows
from claimgraph.nlp.speakers import titles
from claimgraph.records import Entity, EntityRef

ALIASES_ENV = "CLAIMGRAPH_ALIASES"
# spaCy labels that name an entity a claim can be by or about.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# Kinds an affiliation can have: "a Pentagon spokesperson", "U.S. officials", "a Russian
# diplomat".
# Kinds an affiliation can have, in order of preference: "Victor Cha, a Korea scholar at
# the Center for Strategic and International Studies" speaks for the Center.
AFFILIATION_RANK = {"ORG": 0, "FAC": 0, "PERSON": 1, "NORP": 2, "GPE": 2}
# "(R-Fla.)", "(D-Newport News)": a US politician's party and state.
PARTY_CODE = re.compile(r"^[RDI]\s*-")
PARTY_CODE_AFTER = re.compile(r"^,?\s*\(([RD])\s*[-–.,]")
PARTIES = {"R": "Republican Party", "D": "Democratic Party"}
# How a person's source attaches the organisation outside the source span: "John Kirby, a
# State Department spokesman", "a spokeswoman for the ministry".
AFFILIATION_PREPS = frozenset({"of", "for", "at", "with", "from", "in", "to"})
# Dependencies that lead into another clause or a list: not the source's own description.
AFFILIATION_STOPS = frozenset(
    {"relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "cc", "punct", "parataxis", "dep"}
)
AFFILIATION_DEPTH = 4
# Report nouns whose owner made the claim: "Russia's claims", "a statement made by X",
# "accusations from Moscow".
AGENT_PREPS = frozenset({"by", "from", "of"})
# Cue classes of report nouns that name a claim ("any claims to the contrary").
CLAIM_NOUN_CLASSES = frozenset({"assert", "accuse", "deny", "warn"})
_DROP_LEADING = frozenset({"the"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_SHORT = 4  # aliases of at most this many characters match only as spelled
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "de", "al", "&"})


# --------------------------------------------------------------------------- alias table


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """One canonical entity of the alias table."""

    entity_id: str
    name: str
    kind: str
    qid: str | None
    aliases: tuple[str, ...]
    # The name of the entity this one is part of (the Pentagon → United States), or None.
    part_of: str | None = None


@dataclass
class AliasTable:
    """Alias → entity, by exact spelling and (for longer aliases) case-insensitively."""

    exact: dict[str, AliasEntry] = field(default_factory=dict)
    folded: dict[str, AliasEntry] = field(default_factory=dict)
    # entity id → the entity id it is part of (from the ``part_of`` column).
    parents: dict[str, str] = field(default_factory=dict)

    def ancestors(self, entity_id: str) -> list[str]:
        """The entities ``entity_id`` is part of, nearest first (the Pentagon → [Q30])."""
        out: list[str] = []
        while (entity_id := self.parents.get(entity_id, "")) and entity_id not in out:
            out.append(entity_id)
        return out

    def lookup(self, name: str) -> AliasEntry | None:
        name = _clean(name)
        hit = self.exact.get(name)
        if hit is None and len(name) > _SHORT:
            hit = self.folded.get(_folded(name))
        return hit

    def add(self, entry: AliasEntry) -> None:
        for alias in (entry.name, *entry.aliases):
            alias = _clean(alias)
            if not alias:
                continue
            self.exact[alias] = entry
            if len(alias) > _SHORT:
                self.folded[_folded(alias)] = entry


def _clean(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


# British and American spellings of the words in institutions' names: one key for both
# ("World Health Organisation", "Ministry of Defence" find their entries; not "Labour",
# which names other parties than "Labor").
_BRITISH = (("isation", "ization"), ("defence", "defense"), ("centre", "center"),
            ("programme", "program"))  # fmt: skip


def _spellings(alias: str) -> tuple[str, ...]:
    """An alias and, if it differs, its British spelling ("Ministry of Defense" and
    "Ministry of Defence"), for matching the text as spelled."""
    british = alias
    for uk, us in _BRITISH:
        british = british.replace(us, uk).replace(us.capitalize(), uk.capitalize())
    return (alias, british) if british != alias else (alias,)


def _folded(name: str) -> str:
    """The case-insensitive key of a name, one spelling for British and American."""
    key = name.casefold()
    for uk, us in _BRITISH:
        key = key.replace(uk, us)
    return key


def slug(name: str) -> str:
    """A lower-case ASCII slug of a name ("Recep Tayyip Erdoğan" → "recep-tayyip-erdogan");
    names without Latin letters keep their own letters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return out or re.sub(r"\W+", "-", name.casefold()).strip("-") or "x"


def make_entity_id(name: str, kind: str | None, qid: str | None = None) -> str:
    """The stable id of an entity: its QID, else ``kind:slug`` of its name."""
    if qid:
        return qid
    return f"{(kind or 'entity').lower()}:{slug(name)}"


def _read_alias_rows(rows: Iterable[str], origin: str) -> Iterator[AliasEntry]:
    lines = ((n, line) for n, line in enumerate(rows, 1) if line.strip())
    lines = ((n, line) for n, line in lines if not line.lstrip().startswith("#"))
    header_seen = False
    for n, line in lines:
        cells = next(csv.reader([line]))
        cells = [c.strip() for c in cells]
        if not header_seen and [c.lower() for c in cells[:2]] == ["name", "kind"]:
            header_seen = True
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            warnings.warn(
                f"{origin}:{n}: skipped: an alias row needs at least name and kind",
                stacklevel=3,
            )
            continue
        name, kind = cells[0], cells[1].upper()
        qid = cells[2] if len(cells) > 2 and cells[2] else None
        if qid is not None and not re.fullmatch(r"Q\d+", qid):
            warnings.warn(
                f"{origin}:{n}: QID {qid!r} ignored (a Wikidata id looks like Q42)",
                stacklevel=3,
            )
            qid = None
        aliases = tuple(a.strip() for a in (cells[3] if len(cells) > 3 else "").split("|"))
        part_of = cells[4] if len(cells) > 4 and cells[4] else None
        yield AliasEntry(
            make_entity_id(name, kind, qid),
            name,
            kind,
            qid,
            tuple(a for a in aliases if a),
            part_of,
        )


def _media_entries() -> Iterator[AliasEntry]:
    """Named outlets and platforms of ``data/media.tsv``: organisations ("told Sputnik")."""
    for row in data_rows("media.tsv"):
        if len(row) >= 2 and row[1].strip() in ("outlet", "platform"):
            name = row[0].strip()
            yield AliasEntry(make_entity_id(name, "ORG"), name, "ORG", None, ())


@lru_cache(maxsize=4)
def _load_table(user_file: str | None) -> AliasTable:
    table = AliasTable()
    for entry in _media_entries():
        table.add(entry)
    shipped = resources.files("claimgraph.data").joinpath("aliases.csv")
    sources = [(shipped.read_text(encoding="utf-8"), "aliases.csv")]
    if user_file:
        try:
            sources.append((Path(user_file).read_text(encoding="utf-8"), user_file))
        except (OSError, UnicodeDecodeError) as exc:
            warnings.warn(
                f"{ALIASES_ENV}={user_file}: not read ({exc}); using the shipped aliases only",
                stacklevel=2,
            )
    by_name: dict[str, AliasEntry] = {}
    for text, origin in sources:
        for entry in _read_alias_rows(text.splitlines(), origin):
            # A user row for a known entity (same QID or name) adds aliases to it.
            old = by_name.get(entry.qid or "") or by_name.get(entry.name.casefold())
            if old is not None:
                entry = AliasEntry(
                    old.entity_id if not entry.qid else entry.entity_id,
                    old.name,
                    entry.kind or old.kind,
                    entry.qid or old.qid,
                    tuple(dict.fromkeys((*old.aliases, *entry.aliases))),
                    entry.part_of or old.part_of,
                )
            by_name[entry.name.casefold()] = entry
            if entry.qid:
                by_name[entry.qid] = entry
            table.add(entry)
    for entry in by_name.values():
        parent = table.lookup(entry.part_of) if entry.part_of else None
        if parent is not None and parent.entity_id != entry.entity_id:
            table.parents[entry.entity_id] = parent.entity_id
    return table


def alias_table() -> AliasTable:
    """The shipped alias table plus the user's (``$CLAIMGRAPH_ALIASES``), read once."""
    return _load_table(os.environ.get(ALIASES_ENV) or None)


def canonical_ref(name: str, kind: str | None = "ORG") -> EntityRef:
    """The canonical entity of a bare name (an outlet, say): the alias table's, else
    ``kind:slug``. Gives the same id ``link_entities`` gives a mention of that name."""
    entry = alias_table().lookup(name)
    if entry is not None:
        return EntityRef(entry.entity_id, entry.name)
    return EntityRef(make_entity_id(_clean(name), kind), _clean(name))


_MATCHERS: dict[tuple[int, int], PhraseMatcher] = {}


def _matcher(vocab: Vocab, table: AliasTable) -> PhraseMatcher:
    """Alias phrases on exact spelling; short ones ("IS", "US") are left to the model's
    entities, since as bare words they are too often something else."""
    key = (id(vocab), id(table))
    if key not in _MATCHERS:
        make_doc = spacy.blank("en", vocab=vocab).make_doc
        phrases = sorted({v for a in table.exact if len(a) > _SHORT for v in _spellings(a)})
        matcher = PhraseMatcher(vocab, attr="ORTH")
        matcher.add("ALIAS", [make_doc(p) for p in phrases])
        _MATCHERS[key] = matcher
    return _MATCHERS[key]


# --------------------------------------------------------------------------- mentions


@dataclass(slots=True)
class Mention:
    """One entity mention: token and char span, normalised name, label, and its entity."""

    start: int  # token
    end: int
    start_char: int
    end_char: int
    name: str
    label: str
    key: str = ""
    ref: EntityRef | None = None
    kind: str = ""


_OPENING = {"(": ")", "[": "]"}
_CLOSING = {v: k for k, v in _OPENING.items()}


def _balanced(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token bounds without an unclosed bracket and what follows it, nor an unopened one and
    what precedes it: the model's "the World Health Organization (WHO" is "the World Health
    Organization" (its acronym joins it: ``_acronyms``), "(Department of Veterans Affairs"
    is "Department of Veterans Affairs"."""
    opened: list[int] = []
    for i in range(start, end):
        text = doc[i].text
        if text in _OPENING:
            opened.append(i)
        elif text in _CLOSING:
            if opened and doc[opened[-1]].text == _CLOSING[text]:
                opened.pop()
            else:
                start, opened = i + 1, []
    if opened:
        end = opened[0] if opened[0] > start else end
        if opened[0] == start:  # nothing before it: the name is inside
            start += 1
    return start, end


def _name_tokens(doc: Doc, start: int, end: int, label: str) -> tuple[int, int]:
    """Token bounds without a leading "the", a person's titles, a possessive and an
    unbalanced bracket (``_balanced``)."""
    start, end = _balanced(doc, start, end)
    table = titles()
    while start < end and doc[start].lower_ in _DROP_LEADING:
        start += 1
    if label == "PERSON":
        # The name starts after its last title: "Sgt. Glen Horan", "Laurel County Clerk Dean
        # Johnson", "Russian Foreign Minister Sergei Lavrov" (a name's last word stays one).
        for i in range(end - 2, start - 1, -1):
            t = table.get(doc[i].lower_)
            if t is not None and t.kind == "person":
                start = i + 1
                break
    # A trailing "." stays: it belongs to "U.S." or "Inc." when the tokenizer split it off.
    while end > start and (
        doc[end - 1].text in _POSSESSIVE or (doc[end - 1].is_punct and doc[end - 1].text != ".")
    ):
        end -= 1
    return start, end


def _mentions(doc: Doc, table: AliasTable) -> list[Mention]:
    """Entity mentions of ``doc``: the model's entities and alias phrases it missed."""
    ents = doc.ents  # built once: spaCy makes a new tuple on every access
    spans = [e for e in ents if e.label_ in ENTITY_LABELS]
    # Alias phrases compete with the model's entities, the longer span winning: "the
    # Islamic State of Iraq and the Levant" beats the model's "Iraq" and "Levant".
    extra = [
        Span(doc, s, e, label="ALIAS")
        for _, s, e in _matcher(doc.vocab, table)(doc)
        if not _adjacent_name(doc, s, e)  # "Trump" of an untagged "Ivanka Trump"
    ]
    out: list[Mention] = []
    for span in sorted(filter_spans([*spans, *extra]), key=lambda sp: sp.start):
        s, e = _name_tokens(doc, span.start, span.end, span.label_)
        if s >= e:
            continue
        if span.label_ == "PERSON" and e - s == 1:
            s = _first_name_start(doc, s)
        name = _clean("".join(t.text_with_ws for t in doc[s:e]))
        if not name or not any(c.isalpha() for c in name):
            continue
        out.append(Mention(s, e, doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), name, span.label_))
    return _untagged_surnames(doc, out)


def _surnames(mentions: list[Mention]) -> set[str]:
    """The last words of the persons' names given in full among ``mentions``."""
    return {m.name.split()[-1] for m in mentions if m.label == "PERSON" and len(m.name.split()) > 1}


def _untagged_surnames(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` and, as mentions of a person, the proper nouns the model left untagged
    that are the surname of a person it names in full ("journalist Joan Tarshis" … "Tarshis
    told CNN"), standing alone (no other name touches them): the clustering then gives them
    their person, as it does the surnames the model tags."""
    surnames = _surnames(mentions)
    if not surnames:
        return mentions
    taken = {i for m in mentions for i in range(m.start, m.end)}
    extra = [
        Mention(t.i, t.i + 1, t.idx, t.idx + len(t), t.text, "PERSON")
        for t in doc
        if t.text in surnames
        and t.i not in taken
        and t.ent_iob_ == "O"
        and t.pos_ == "PROPN"
        and not _adjacent_name(doc, t.i, t.i + 1)
    ]
    return sorted([*mentions, *extra], key=lambda m: m.start) if extra else mentions


def _first_name_start(doc: Doc, start: int) -> int:
    """Where a person's name starts when the model tagged only the surname ("Ivanka" of
    "Ivanka Trump"): over capitalised proper nouns that are no title, entity or acronym."""
    table = titles()
    i = start
    while i > 0 and start - i < 2:
        tok = doc[i - 1]
        if not (
            tok.pos_ == "PROPN"
            and tok.is_alpha
            and tok.is_title
            and tok.ent_iob_ == "O"
            and tok.lower_ not in table
            and tok.whitespace_ != ""
        ):
            break
        i -= 1
    return i


def _geocoded(doc: Doc) -> dict[tuple[int, int], str | None]:
    """The character spans the place geocoder placed, with their feature class; none when
    the places component did not run before this one (``doc._.places`` not set yet)."""
    places = (doc._.places if Doc.has_extension("places") else None) or []
    return {(p.start, p.end): p.feature_class for p in places if p.lat is not None}


def _relabel_places(mentions: list[Mention], geocoded: dict[tuple[int, int], str | None]) -> None:
    """Mentions that the place geocoder placed (``geocoded``) are places, whatever the model
    called them ("Palmyra" as PERSON, "Al-Qaryatayn" as ORG, "Rubkan" as NORP: a point of the
    shipped alias table, which has no GeoNames id)."""
    for m in mentions:
        if m.label in ("PERSON", "ORG", "NORP") and (m.start_char, m.end_char) in geocoded:
            m.label = "GPE" if geocoded[(m.start_char, m.end_char)] in ("A", "P") else "LOC"


def _relabel_surnames(
    doc: Doc, mentions: list[Mention], geocoded: dict[tuple[int, int], str | None]
) -> None:
    """A one-word mention the model called a place or an organisation that is the surname of
    a person it names in full ("Andrej Mahecic" … "Mahecic said", "Superintendent Ed
    Hightower" … "Hightower noted") is that person, unless the place geocoder placed it
    (``geocoded``) or it qualifies the name after it ("Dublin Director of Engineering Paul
    Hammersmith", "Farrin's attorney, Tony Soltani")."""
    surnames = _surnames(mentions)
    for m in mentions:
        if (
            m.label in ("GPE", "LOC", "FAC", "ORG", "NORP")
            and m.name in surnames
            and (m.start_char, m.end_char) not in geocoded
            and not _qualifies_next(doc, m.end)
        ):
            m.label = "PERSON"


def _qualifies_next(doc: Doc, end: int) -> bool:
    """Whether the word after a name makes it a modifier: a possessive or a proper noun."""
    return end < len(doc) and (doc[end].text in _POSSESSIVE or doc[end].pos_ == "PROPN")


def _initials_match(acronym: str, words: list[str]) -> bool:
    """Whether ``acronym`` is spelled by the initials of ``words`` ("SDF" ← Syrian
    Democratic Forces; "ISIL" ← Islamic State of Iraq and the Levant)."""
    letters = [c for c in acronym if c.isalpha()]
    content = [w for w in words if w.lower() not in _SMALL_WORDS and w[:1].isalpha()]
    initials = "".join(w[0] for w in content).upper()
    every = "".join(w[0] for w in words if w[:1].isalpha()).upper()
    target = "".join(letters).upper()
    return len(target) >= 2 and target in (initials, every)


@dataclass
class _Grouping:
    """Mention keys grouped into entities, and the table entry of each table key."""

    clusters: _Clusters
    entries: dict[str, AliasEntry]


class _Clusters:
    """Union-find over mention keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # A table entity stays the representative, so its id wins.
            if rb.startswith("t:") and not ra.startswith("t:"):
                ra, rb = rb, ra
            self.parent[rb] = ra


def _cluster(doc: Doc, mentions: list[Mention], table: AliasTable) -> _Grouping:
    clusters = _Clusters()
    entries: dict[str, AliasEntry] = {}
    # Full person names first, so that a lone "Trump" can find "Donald Trump".
    fulls: list[tuple[int, str, str, str]] = []  # (start, first, last, key)
    for m in mentions:
        entry = table.lookup(m.name)
        words = m.name.split()
        full = len(words) >= 2 and (m.label == "PERSON" or (entry and entry.kind == "PERSON"))
        if entry is not None and not (m.label == "PERSON" and len(words) == 1):
            m.key = "t:" + entry.entity_id
            entries[m.key] = entry
        elif full:
            m.key = "p:" + f"{words[0]} {words[-1]}".casefold()
        if full:
            fulls.append((m.start_char, words[0].casefold(), words[-1].casefold(), m.key))
    for m in mentions:
        if m.key:
            continue
        word = m.name.casefold()
        single = len(m.name.split()) == 1
        linked = None
        if single and m.label in ("PERSON", "ORG", "ALIAS"):
            linked = _nearest_full(fulls, m.start_char, word)
            # "Donald Trump … Ivanka Trump … Trump": of several full names, the one the
            # alias table gives for the bare surname.
            entry = table.lookup(m.name)
            if entry is not None and any(f[3] == "t:" + entry.entity_id for f in fulls):
                linked = "t:" + entry.entity_id
        if linked is not None:
            m.key = linked
            continue
        entry = table.lookup(m.name)
        if entry is not None:
            m.key = "t:" + entry.entity_id
            entries[m.key] = entry
        elif m.label == "PERSON":
            m.key = "p:" + word
        else:
            m.key = "n:" + word
    for m in mentions:
        clusters.find(m.key)
    _acronyms(doc, mentions, clusters)
    return _Grouping(clusters, entries)


def _nearest_full(fulls: list[tuple[int, str, str, str]], at: int, word: str) -> str | None:
    """The key of the nearest earlier full name with this surname (else first name), or
    the first later one."""
    for pick in (2, 1):
        earlier = [f for f in fulls if f[pick] == word and f[0] < at]
        if earlier:
            return earlier[-1][3]
        later = [f for f in fulls if f[pick] == word]
        if later:
            return later[0][3]
    return None


def _acronyms(doc: Doc, mentions: list[Mention], clusters: _Clusters) -> None:
    """ "Syrian Democratic Forces (SDF)": the acronym's mentions join the long name's."""
    n = len(doc)
    by_name: dict[str, list[Mention]] = {}
    for m in mentions:
        by_name.setdefault(m.name, []).append(m)
    for m in mentions:
        i = m.end
        if i >= n or doc[i].text not in ("(", "["):
            continue
        j = k = i + 1
        while k < n and k - j < 3 and doc[k].text not in (")", "]"):
            k += 1
        if k == j or k >= n or doc[k].text not in (")", "]"):
            continue
        acronym = "".join(t.text for t in doc[j:k])
        if not (acronym.replace(".", "").isupper() and 2 <= len(acronym) <= 8):
            continue
        if not _initials_match(acronym, m.name.split()):
            continue
        acr_key = f"n:{acronym.casefold()}"
        for other in by_name.get(acronym, []):
            clusters.union(m.key, other.key)
        clusters.union(m.key, acr_key)
        m_alias = by_name.setdefault(acronym, [])
        # The acronym itself and its later uses, spelled so, where the model did not tag
        # them ("… (WHO) said …. WHO added …").
        uses = [j] + [t.i for t in doc[k:] if t.text == acronym] if k == j + 1 else [j]
        for u in uses:
            w = u + (k - j)
            if any(o.start < w and u < o.end for o in mentions):
                continue
            mention = Mention(
                u, w, doc[u].idx, doc[w - 1].idx + len(doc[w - 1]), acronym, m.label, acr_key
            )
            m_alias.append(mention)
            mentions.append(mention)
    mentions.sort(key=lambda x: x.start)


def _build_entities(mentions: list[Mention], result: _Grouping, table: AliasTable) -> list[Entity]:
    """One ``Entity`` per cluster; sets each mention's ``ref`` and ``kind``."""
    clusters = result.clusters
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(clusters.find(m.key), []).append(m)
    entities: dict[str, Entity] = {}
    for root, group in groups.items():
        entry = result.entries.get(root)
        if entry is None:
            entry = next(
                (result.entries[k] for k in {m.key for m in group} if k in result.entries),
                None,
            )
        if entry is not None:
            name, kind, qid, eid = entry.name, entry.kind, entry.qid, entry.entity_id
            table_aliases: tuple[str, ...] = entry.aliases
        else:
            persons = [m for m in group if m.label == "PERSON" and len(m.name.split()) > 1]
            labels = Counter(m.label for m in group if m.label != "ALIAS")
            kind = "PERSON" if persons else (labels.most_common(1)[0][0] if labels else "ORG")
            # The fullest name; one written in capitals ("WASHINGTON –") only if no other.
            pool = [m for m in persons or group if not m.name.isupper()] or persons or group
            name = max(pool, key=lambda m: (len(m.name.split()), len(m.name), -m.start)).name
            if persons:
                name = persons[0].name
            qid, eid, table_aliases = None, make_entity_id(name, kind), ()
        ref = EntityRef(eid, name)
        for m in group:
            m.ref, m.kind = ref, kind
        seen = [m.name for m in group if m.name != name]
        aliases = tuple(dict.fromkeys((*seen, *table_aliases)))
        old = entities.get(eid)
        if old is not None:
            aliases = tuple(dict.fromkeys((*old.aliases, *aliases)))
        entities[eid] = Entity(eid, name, kind, qid, aliases)
    return list(entities.values())


# --------------------------------------------------------------------------- doc index


if not Doc.has_extension("entity_mentions"):
    Doc.set_extension("entity_mentions", default=None)


@dataclass
class _Index:
    """Mentions by position: bisect on starts, and token → mention."""

    mentions: list[Mention]
    starts: list[int]
    by_token: dict[int, Mention]

    @classmethod
    def of(cls, mentions: list[Mention]) -> _Index:
        by_token = {i: m for m in mentions for i in range(m.start, m.end)}
        return cls(mentions, [m.start_char for m in mentions], by_token)

    def within(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start_char < end:
            if self.mentions[i].end_char <= end:
                out.append(self.mentions[i])
            i += 1
        return out


def entities_in(doc: Doc, fragments: Iterable[tuple[int, int]]) -> list[EntityRef]:
    """The distinct entities mentioned inside the char spans ``fragments`` of ``doc``
    (after ``link_entities`` has run), in text order."""
    found: dict[str, EntityRef] = {}
    mentions = doc._.entity_mentions or []
    starts = [s for s, _, _ in mentions]
    for fs, fe in sorted(fragments):
        i = bisect.bisect_left(starts, fs)
        while i < len(mentions) and mentions[i][0] < fe:
            if mentions[i][1] <= fe:
                found.setdefault(mentions[i][2].entity_id, mentions[i][2])
            i += 1
    return list(found.values())


# --------------------------------------------------------------------------- sources


@dataclass(slots=True)
class _SourceLink:
    entity: EntityRef | None
    affiliation: EntityRef | None
    person: bool = False  # a named person, whose affiliation later mentions inherit


def _span(doc: Doc, start: int, end: int) -> Span | None:
    if not (0 <= start < end <= doc_length(doc)):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _is_role(tok: Token) -> bool:
    table = titles()
    t = table.get(tok.lower_) or table.get(tok.lemma_.lower())
    return t is not None and t.kind == "person"


def _affiliation(
    index: _Index, root: Token, person: Mention | None, body_start: int
) -> Mention | None:
    """The organisation (or person) a source speaks for, among the mentions reached from the
    source's head through modifiers, appositives and prepositions ("a Pentagon
    spokesperson", "John Kirby, a State Department spokesman", "a former Clinton aide",
    "a spokeswoman for the ministry") without entering another clause ("… who accompanied
    her to Burma"): an organisation before a person before a place, then the nearest."""
    frontier = [root]
    seen = {root.i}
    found: list[tuple[int, int, Mention]] = []
    for depth in range(AFFILIATION_DEPTH):
        nxt = []
        for tok in frontier:
            for child in tok.children:
                if child.i in seen or child.dep_ in AFFILIATION_STOPS:
                    continue
                if child.dep_ == "prep" and child.lower_ not in AFFILIATION_PREPS:
                    continue
                seen.add(child.i)
                nxt.append(child)
                m = index.by_token.get(child.i)
                if (
                    m is not None
                    and m is not person
                    and m.kind in AFFILIATION_RANK
                    and m.start_char >= body_start  # not the dateline's "WASHINGTON"
                    and not PARTY_CODE.match(m.name)
                ):
                    found.append((AFFILIATION_RANK[m.kind], depth, m))
        frontier = nxt
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1], f[2].start))[2]


def _party(text_after: str) -> EntityRef | None:
    """The party of a US politician from "(R-Fla.)", "(D-Newport News)"."""
    m = PARTY_CODE_AFTER.match(text_after)
    if m is None:
        return None
    entry = alias_table().lookup(PARTIES.get(m.group(1), ""))
    return EntityRef(entry.entity_id, entry.name) if entry is not None else None


def _adjacent_name(doc: Doc, start: int, end: int) -> bool:
    """Whether a proper noun that is no title touches ``start:end`` ("Ivanka" + "Trump")."""
    table = titles()
    for i in (start - 1, end):
        if 0 <= i < len(doc) and doc[i].pos_ == "PROPN" and doc[i].lower_ not in table:
            return True
    return False


def _link_source(
    doc: Doc,
    text: str,
    body_start: int,
    index: _Index,
    att: Attribution,
    by_resolved: dict[str, _SourceLink],
    by_name: dict[str, EntityRef],
) -> _SourceLink | None:
    span = _span(doc, *att.source) if att.source is not None else None
    if span is None:
        return None
    root = span.root
    inside = index.within(span.start_char, span.end_char)
    at_root = index.by_token.get(root.i)
    persons = [m for m in inside if m.kind == "PERSON" and m.ref is not None]
    person = at_root if at_root is not None and at_root in persons else None
    if person is None and persons and root.pos_ == "NOUN":
        # "Trump's aides", "the Clinton campaign": they speak for the person.
        return _SourceLink(persons[0].ref, persons[0].ref)
    person = person or (persons[0] if persons else None)
    if person is not None and person.ref is not None:
        aff_ref = None
        aff = _affiliation(index, root, person, body_start)
        if aff is None or aff.kind not in ("ORG", "FAC"):
            aff_ref = _party(text[person.end_char : person.end_char + 12])
        if aff_ref is None and aff is not None:
            aff_ref = aff.ref
        return _SourceLink(person.ref, aff_ref, person=True)
    # (the parser reads an acronym such as "WHO" as the pronoun)
    pronoun = root.pos_ == "PRON" and not (len(root.text) > 1 and root.text.isupper())
    if at_root is not None and at_root.ref is not None and not pronoun:
        return _SourceLink(at_root.ref, None)
    if root.pos_ != "PRON" and _is_role(root):
        aff = _affiliation(index, root, None, body_start)
        if aff is not None and aff.ref is not None:
            # An unnamed person speaks for the organisation: claims group under it.
            return _SourceLink(aff.ref, aff.ref)
    if att.resolved:
        key = _clean(att.resolved).casefold()
        if key in by_resolved:
            return by_resolved[key]
        ref = by_name.get(key)
        if ref is None:
            entry = alias_table().lookup(att.resolved)
            ref = EntityRef(entry.entity_id, entry.name) if entry is not None else None
        if ref is not None:
            return _SourceLink(ref, None)
    if root.pos_ == "NOUN" and inside:
        # "Republican voters", "a USA Today analysis": the entity that names them.
        near = min(inside, key=lambda m: abs(m.start - root.i))
        if near.ref is not None:
            return _SourceLink(near.ref, None)
    return None


# --------------------------------------------------------------------------- targets


def _claim_nouns() -> frozenset[str]:
    lex = load_lexicon()
    return frozenset(n for n in lex.nouns if lex.cue_class(n) in CLAIM_NOUN_CLASSES)


def _owner(index: _Index, noun: Token) -> Mention | None:
    """Who made the claim a report noun names: "Russia's claims", "Russian claims",
    "a statement made by the Russian Defense Ministry", "accusations from Moscow"."""
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            m = index.by_token.get(child.i)
            if m is not None:
                return m
    stack = [noun]
    for _ in range(2):
        nxt = []
        for tok in stack:
            for child in tok.children:
                if child.dep_ in ("acl", "relcl") and child.pos_ == "VERB":
                    nxt.append(child)
                elif (child.dep_ in ("prep", "agent")) and child.lower_ in AGENT_PREPS:
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            m = index.by_token.get(obj.i)
                            if m is not None:
                                return m
        stack = nxt
    return None


def _answers_claim(doc: Doc, att: Attribution, nouns: frozenset[str]) -> list[Token] | None:
    """The report nouns of the content when ``att`` answers another claim (a denial, or
    content about "claims", "allegations"…), or None when it does not."""
    found: list[Token] = []
    for s, e in att.content:
        span = _span(doc, s, e)
        if span is not None:
            found.extend(t for t in span if t.pos_ == "NOUN" and t.lemma_.lower() in nouns)
    if found or cue_class(att.cue_lemma) == "deny":
        return found
    return None


def _answered_entity(
    doc: Doc,
    index: _Index,
    att: Attribution,
    nouns: frozenset[str],
    report_nouns: list[Token],
    others: list[tuple[int, EntityRef]],
) -> EntityRef | None:
    own = att.entity.entity_id if att.entity is not None else None
    # Whose claim: an owner named with the report noun, in the content or the cue's sentence.
    cue = _span(doc, *att.cue)
    candidates = list(report_nouns)
    if cue is not None:
        candidates += [t for t in cue.sent if t.pos_ == "NOUN" and t.lemma_.lower() in nouns]
    for noun in candidates:
        m = _owner(index, noun)
        if m is not None and m.ref is not None and m.ref.entity_id != own:
            return m.ref
    # Else the nearest earlier claim by someone else, failing that the nearest later one.
    earlier = [(s, r) for s, r in others if s < att.cue[0] and r.entity_id != own]
    if earlier:
        return earlier[-1][1]
    later = [(s, r) for s, r in others if s > att.cue[0] and r.entity_id != own]
    return later[0][1] if later else None


# --------------------------------------------------------------------------- entry point


def link_entities(doc: Doc, attributions: list[Attribution]) -> None:
    """Set ``doc._.entities`` and each attribution's entity, affiliation and targets."""
    table = alias_table()
    mentions = _mentions(doc, table)
    geocoded = _geocoded(doc)
    _relabel_places(mentions, geocoded)
    _relabel_surnames(doc, mentions, geocoded)
    result = _cluster(doc, mentions, table)
    doc._.entities = _build_entities(mentions, result, table)
    doc._.entity_mentions = [(m.start_char, m.end_char, m.ref) for m in mentions if m.ref]
    index = _Index.of(mentions)
    text = doc.text  # built once
    body_start = (doc._.body_start or 0) if Doc.has_extension("body_start") else 0
    by_name = {m.name.casefold(): m.ref for m in mentions if m.ref is not None}
    by_name.update({e.name.casefold(): EntityRef(e.entity_id, e.name) for e in doc._.entities})
    # Sources in text order, so "the spokesperson" finds "a Pentagon spokesperson" before it.
    by_resolved: dict[str, _SourceLink] = {}
    affiliation_of: dict[str, EntityRef] = {}
    ordered = sorted(attributions, key=lambda a: a.source[0] if a.source else a.cue[0])
    for att in ordered:
        link = _link_source(doc, text, body_start, index, att, by_resolved, by_name)
        if link is None:
            continue
        att.entity = link.entity
        aff = link.affiliation
        if link.person and link.entity is not None:
            # "John Kirby, a State Department spokesman" … "Kirby said": still the department.
            aff = aff or affiliation_of.get(link.entity.entity_id)
            if aff is not None:
                affiliation_of.setdefault(link.entity.entity_id, aff)
        if aff is not None:
            att.affiliation = aff.name
            att.extra["affiliation_id"] = aff.entity_id
        if att.resolved and att.source is not None:
            by_resolved.setdefault(_clean(att.resolved).casefold(), link)
    # Targets: what the content mentions, and whose claim it answers.
    nouns = _claim_nouns()
    others = sorted(
        ((a.cue[0], a.entity) for a in attributions if a.entity is not None),
        key=lambda x: x[0],
    )
    for att in attributions:
        own = att.entity.entity_id if att.entity is not None else None
        targets = {r.entity_id: r for r in entities_in(doc, att.content) if r.entity_id != own}
        report_nouns = _answers_claim(doc, att, nouns)
        if report_nouns is not None:
            answered = _answered_entity(doc, index, att, nouns, report_nouns, others)
            if answered is not None:
                att.extra["answers"] = answered.entity_id
                targets = {answered.entity_id: answered, **targets}
        att.targets = list(targets.values())
