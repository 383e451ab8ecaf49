"""Speaker resolution: who "he", "the spokesperson" or "the ministry" is.

``resolve_speakers(doc, attributions)`` sets ``Attribution.resolved`` for every attribution
with a source span; the surface source is left as it is.

- A *named* source (a PERSON/ORG/GPE/NORP entity or any proper noun in the mention, with or
  without a title: "Sen. John McCain", "a Pentagon spokesperson", "the Russian Defense
  Ministry") resolves to itself, normalised: the head noun with its pre-modifiers, without
  determiner, possessive ending or appositive ("Pentagon spokesperson",
  "Russian Defense Ministry", "John McCain" for "John McCain, a senator,").
- A *nominal* source ("the spokesperson", "a spokesperson", "the ministry", "the senator",
  "officials") resolves to the nearest earlier mention that shares its role group
  (``data/titles.tsv``: "spokesman" and "spokesperson" share one, "Sen." and "senator"
  another), among earlier sources and named entities. A definite singular listed role
  with no such mention ("the chancellor") falls back to the nearest compatible source; an
  indefinite one ("a spokesperson"), a plural or an unlisted noun ("the spot") does not,
  since those usually introduce someone new.
- A *pronoun* resolves to the nearest earlier compatible mention: earlier sources, and named
  entities that are the subject of their clause outside any content. "he"/"she" need a
  person whose gender, when known from a title ("Mr.", "spokeswoman") or an earlier
  pronoun, agrees; "it" an organisation or place; "they"/"we" an organisation, place,
  nationality or plural. A relative "who"/"which" resolves through the parse to the noun it
  modifies.

``resolved`` is None only when nothing fits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from claimgraph.nlp.model import Attribution, doc_length
from claimgraph.nlp.qualifiers import data_rows, in_content

# spaCy entity labels that name a possible speaker, and the kind each names.
LABEL_KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "NORP": "group", "FAC": "org"}
# What each pronoun can refer to: kinds, and the gender a person must not contradict.
PRONOUNS: dict[str, tuple[frozenset[str], str | None]] = {}
for _words, _kinds, _gender in (
    ("he him his himself", "person", "m"),
    ("she her hers herself", "person", "f"),
    ("i me my myself", "person", None),
    ("it its itself", "org place", None),
    ("they them their themselves we us our ourselves", "org place group plural", None),
):
    for _w in _words.split():
        PRONOUNS[_w] = (frozenset(_kinds.split()), _gender)
RELATIVES = frozenset({"who", "which", "that", "whom"})
# Pre-modifier dependencies left out of a normalised name ("the", "a", punctuation).
DROPPED_LEFTS = frozenset({"det", "predet", "punct", "cc", "prep"})
INDEFINITES = frozenset({"a", "an", "one", "another", "some"})


@dataclass(frozen=True, slots=True)
class Title:
    kind: str  # person | org
    gender: str | None
    group: str


@lru_cache(maxsize=1)
def titles() -> dict[str, Title]:
    """Role nouns and titles from ``data/titles.tsv``, by lower-case word."""
    table: dict[str, Title] = {}
    for row in data_rows("titles.tsv"):
        if len(row) >= 4:
            word, kind, gender, group = (c.strip() for c in row[:4])
            table[word.lower()] = Title(kind, None if gender == "." else gender, group)
    return table


@dataclass(slots=True)
class Mention:
    """A possible antecedent or a source to resolve."""

    start: int  # char offset, for "nearest earlier"
    resolved: str | None
    kind: str  # person | org | place | group | unknown
    plural: bool
    gender: str | None
    groups: frozenset[str]
    named: bool
    definite: bool
    roles: frozenset[str] = frozenset()  # the groups of listed role nouns and titles


def _group(tok: Token) -> str:
    title = titles().get(tok.lower_) or titles().get(tok.lemma_.lower())
    return title.group if title else tok.lemma_.lower()


def _name_tokens(span: Span, root: Token) -> list[Token]:
    """The head of ``span`` with its pre-modifiers, as far as they lie inside ``span``."""
    left = root.i
    for child in root.lefts:
        if child.dep_ not in DROPPED_LEFTS and child.left_edge.i >= span.start:
            left = min(left, child.left_edge.i)
    right = root.i + 1
    if root.ent_type_ and root.ent_iob_ != "O":  # a name the parser split ("Kirby Jr.")
        doc = root.doc
        ent_start, ent_end = root.i, root.i + 1
        while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
            ent_start -= 1
        while ent_end < len(doc) and doc[ent_end].ent_iob_ == "I":
            ent_end += 1
        left = min(left, max(ent_start, span.start))
        right = max(right, min(ent_end, span.end))
    # "India and Pakistan": a coordination of names is one source.
    for child in root.rights:
        if child.dep_ == "conj" and child.right_edge.i < span.end:
            right = max(right, child.i + 1)
    toks = list(span.doc[left:right])
    while toks and (toks[0].dep_ in DROPPED_LEFTS or toks[0].lower_ == "the"):
        toks = toks[1:]
    while toks and toks[-1].dep_ in ("case", "punct"):
        toks = toks[:-1]
    return toks or [root]


def _entity_kind(tok: Token) -> str | None:
    return LABEL_KINDS.get(tok.ent_type_) if tok.ent_iob_ != "O" else None


def describe(span: Span, root: Token | None = None) -> Mention:
    """What a mention is: its normalised name, kind, number, gender and role groups."""
    root = root if root is not None else span.root
    name = _name_tokens(span, root)
    table = titles()
    named = any(
        (t.pos_ == "PROPN" or _entity_kind(t) is not None) and t.lower_ not in table for t in name
    )
    roles = {_group(t) for t in name if t.lower_ in table}
    # "John Kirby, a Pentagon spokesman": the appositive's role is the mention's too.
    roles.update(_group(c) for c in root.children if c.dep_ == "appos")
    if root.lower_ in table or root.lemma_.lower() in table:
        roles.add(_group(root))
    groups = roles | {_group(root)}
    genders = {table[t.lower_].gender for t in name if t.lower_ in table} - {None}
    genders.update(
        table[c.lower_].gender for c in root.children if c.dep_ == "appos" and c.lower_ in table
    )
    genders.discard(None)
    kind = _entity_kind(root)
    if kind is None and root.lower_ in table:
        kind = table[root.lower_].kind
    if kind is None and root.lemma_.lower() in table:
        kind = table[root.lemma_.lower()].kind
    if kind is None:
        kind = next((k for t in name if (k := _entity_kind(t)) is not None), "unknown")
    plural = root.tag_ in ("NNS", "NNPS") or "Plur" in root.morph.get("Number")
    first = span[0].lower_ if len(span) else ""
    text = "".join(t.text_with_ws for t in name).strip()
    return Mention(
        start=span.start_char,
        resolved=text if named else None,
        kind=kind,
        plural=plural,
        gender=next(iter(genders)) if len(genders) == 1 else None,
        groups=frozenset(groups),
        named=named,
        definite=first not in INDEFINITES,
        roles=frozenset(roles),
    )


def _compatible(pronoun: str, cand: Mention, genders: dict[str, str]) -> bool:
    kinds, gender = PRONOUNS[pronoun]
    if cand.kind == "unknown":
        return True
    if "plural" in kinds and cand.plural:
        return True
    if cand.kind not in kinds:
        return False
    if cand.kind == "person" and cand.plural and "plural" not in kinds:
        return False
    known = cand.gender or (genders.get(cand.resolved) if cand.resolved else None)
    return gender is None or known is None or known == gender


def _entity_mentions(doc: Doc, attributions: list[Attribution]) -> list[tuple[Mention, bool]]:
    """Named entities as candidate antecedents, with whether each may take a pronoun
    (the subject of its clause and outside every content)."""
    out = []
    source_spans = [a.source for a in attributions if a.source is not None]
    for ent in doc.ents:
        # An entity inside a source is represented by the source mention, which knows more
        # ("Ms. Warren" is female, "Warren" is not known to be).
        if ent.label_ not in LABEL_KINDS or any(
            s < ent.end_char and ent.start_char < e for s, e in source_spans
        ):
            continue
        mention = describe(ent)
        if mention.resolved is None:
            continue
        subject = ent.root.dep_ in ("nsubj", "nsubjpass") and not any(
            in_content(a, ent.start_char, ent.end_char) for a in attributions
        )
        out.append((mention, subject))
    return out


def _nearest(cands: Iterable[Mention], before: int) -> Mention | None:
    best = None
    for c in cands:
        if c.start < before and c.resolved is not None and (best is None or c.start > best.start):
            best = c
    return best


def _source_span(doc: Doc, att: Attribution) -> Span | None:
    if att.source is None:
        return None
    s, e = att.source
    if not (0 <= s < e <= doc_length(doc)):
        return None
    span = doc.char_span(s, e, alignment_mode="expand")
    return span if span is not None and len(span) else None


def resolve_speakers(doc: Doc, attributions: list[Attribution]) -> None:
    """Set ``resolved`` on every attribution of ``doc`` that has a source."""
    with_source = [(a, sp) for a in attributions if (sp := _source_span(doc, a)) is not None]
    if not with_source:
        return
    entities = _entity_mentions(doc, attributions)
    sources: list[Mention] = []
    genders: dict[str, str] = {}
    for att, span in sorted(with_source, key=lambda x: x[1].start_char):
        mention = _resolve(doc, span, sources, entities, genders)
        att.resolved = mention.resolved
        if mention.resolved is not None:
            sources.append(mention)


def _resolve(
    doc: Doc,
    span: Span,
    sources: list[Mention],
    entities: list[tuple[Mention, bool]],
    genders: dict[str, str],
) -> Mention:
    root = span.root
    word = root.lower_
    if root.pos_ == "PRON" and word in RELATIVES and root.head.dep_ == "relcl":
        # "McCain, who chairs the committee, said": the relative's noun is the source.
        noun = root.head.head
        return _resolve(doc, doc[noun.left_edge.i : noun.i + 1], sources, entities, genders)
    if root.pos_ == "PRON" and word in PRONOUNS:
        pool = sources + [m for m, subject in entities if subject]
        found = _nearest((c for c in pool if _compatible(word, c, genders)), span.start_char)
        gender = PRONOUNS[word][1]
        mention = Mention(span.start_char, None, "unknown", False, gender, frozenset(), False, True)
        if found is not None:
            mention.resolved, mention.kind = found.resolved, found.kind
            mention.plural, mention.groups = found.plural, found.groups
            if gender is not None and found.resolved is not None:
                genders.setdefault(found.resolved, gender)
            mention.gender = gender or found.gender
        return mention
    mention = describe(span, root)
    if mention.named:
        return mention
    # A role noun: the nearest earlier mention in the same role group. An indefinite one
    # ("a spokesperson") only matches a listed role; "a new poll" is a new poll.
    groups = mention.groups if mention.definite else mention.groups & mention.roles
    everyone = sources + [m for m, _ in entities]
    found = _nearest((c for c in everyone if c.groups & groups), span.start_char)
    # A definite listed role with no match ("the chancellor") falls back to the nearest
    # compatible source; an unlisted noun ("the spot", "the research") does not.
    # Plurals ("officials", "his aides") rarely repeat one earlier source: no fallback.
    if found is None and mention.definite and mention.roles and not mention.plural:
        found = _nearest(
            (c for c in sources + [m for m, s in entities if s] if _kind_fits(mention, c)),
            span.start_char,
        )
    if found is not None:
        mention.resolved = found.resolved
        mention.gender = mention.gender or found.gender
    return mention


def _kind_fits(nominal: Mention, cand: Mention) -> bool:
    if nominal.kind == "unknown" or cand.kind == "unknown":
        return True
    if nominal.kind == "org":
        return cand.kind in ("org", "place")
    return nominal.kind == cand.kind and nominal.plural == cand.plural
