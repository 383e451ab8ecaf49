"""What qualifies an attribution: the cue's class, hedging, and the medium it went through.

``qualify(doc, attributions)`` fills four fields of each ``Attribution``:

- ``cue_class`` (assert | deny | accuse | warn | publish | other) from the cue lemma through
  ``claimgraph.nlp.lexicon.cue_class``. A *negated* cue ("did not deny", "never said",
  "declined to confirm", "refused to say") is class ``other``: the source neither asserted
  nor denied anything, so the lexicon class would state the opposite of what was reported.
  Such attributions get ``extra["negated"] = True`` so stance work can still see them.
- ``hedged``: a hedge from ``data/hedges.txt`` ("allegedly", "reportedly", "claimed to", …)
  occurs in the cue's sentence or inside a content fragment.
- ``content_negated``: whether the parse puts a negation word of the content's first sentence
  in its main clause ("that the US does not support terrorists"), not in a subordinate one
  ("killed … because they wouldn't take part"); ``claimgraph.link.relation`` reads a
  content's polarity from its words and counts a negation only where this is not False.
- ``medium``: the outlet or vehicle of the utterance, searched in the cue's clause (see
  ``cue_clause``). The span never includes the preposition: "told Sputnik" → "Sputnik",
  "in a statement" → "a statement", "in an interview with CNN" → "an interview with CNN",
  "on Twitter" → "Twitter". A vehicle noun is extended over an attached outlet or platform
  ("an op-ed in The Washington Post", "a post on Facebook") but not over other modifiers.

``cue_root`` and ``cue_clause`` are shared with ``claimgraph.nlp.time``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import spacy
from spacy.matcher import DependencyMatcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from claimgraph.nlp.lexicon import cue_class
from claimgraph.nlp.model import Attribution, doc_length

# Dependencies that start another clause (or the source/subject): the cue's clause stops
# there, so a date or medium of a reported or following clause is not taken for the cue's.
CLAUSE_BREAKS = frozenset(
    {
        "ccomp",
        "xcomp",
        "advcl",
        "conj",
        "cc",
        "parataxis",
        "relcl",
        "acl",
        "csubj",
        "csubjpass",
        "nsubj",
        "nsubjpass",
        "mark",
        "dep",
        "intj",
    }
)
# Prepositions that introduce a medium ("in a statement", "on Twitter", "at a briefing",
# "to Reuters", "during an interview", "via Telegram", "through a spokesperson's office").
MEDIUM_PREPS = frozenset({"in", "on", "at", "to", "during", "via", "through", "over", "from"})
# Prepositions by which a vehicle noun takes its outlet ("an interview with CNN",
# "an op-ed in The Washington Post", "a post on Facebook", "a statement to Sputnik").
OUTLET_PREPS = frozenset({"with", "to", "on", "in", "for", "at"})
# Verbs whose object is the addressee, which is a medium when it is an outlet.
TELL_LEMMAS = frozenset({"tell", "inform", "brief"})
# Governors that turn their complement cue into a non-utterance ("declined to confirm").
NEGATING_GOVERNORS = frozenset({"decline", "refuse", "fail"})


# --------------------------------------------------------------------------- shared helpers


def _span(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens covering chars ``start:end`` (expanded to token bounds), or None."""
    if not (0 <= start < end <= doc_length(doc)):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span


def cue_root(doc: Doc, att: Attribution) -> Token | None:
    """The syntactic head of the cue: "said" in "said in a statement", "according"."""
    span = _span(doc, *att.cue)
    if span is None:
        return None
    # Prefer a verb when the cue span holds several heads ("according to" has none).
    heads = [t for t in span if t.head.i < span.start or t.head.i >= span.end or t.head == t]
    verbs = [t for t in heads if t.pos_ in ("VERB", "AUX")]
    return (verbs or heads or [span.root])[0]


def in_content(att: Attribution, start: int, end: int) -> bool:
    """Whether chars ``start:end`` overlap a content fragment of ``att``."""
    return any(start < e and s < end for s, e in att.content)


def cue_clause(doc: Doc, att: Attribution) -> set[int]:
    """Token indices of the cue's clause: the cue root's subtree, not descending into other
    clauses or the subject, minus every token inside the content."""
    root = cue_root(doc, att)
    if root is None:
        return set()
    seen: set[int] = set()
    stack = [root]
    while stack:
        tok = stack.pop()
        if tok.i in seen:
            continue
        seen.add(tok.i)
        stack.extend(c for c in tok.children if c.dep_ not in CLAUSE_BREAKS)
    # words between the cue and a content that follows it belong to the cue's clause even
    # when the parser hangs them on the content ("told Sputnik on Friday it encouraged …")
    first = min(s for s, _ in att.content) if att.content else att.cue[1]
    if first > att.cue[1]:
        seen.update(t.i for t in doc.char_span(att.cue[1], first, alignment_mode="contract") or [])
    return {i for i in seen if not in_content(att, doc[i].idx, doc[i].idx + len(doc[i]))}


def data_rows(name: str) -> Iterable[list[str]]:
    """Rows of a tab-separated data file, skipping comments and blank lines."""
    text = resources.files("claimgraph.data").joinpath(name).read_text(encoding="utf-8")
    rows = (line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    yield from csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)


@lru_cache(maxsize=1)
def outlet_words() -> frozenset[str]:
    """The words of ``data/media.tsv`` that mark an organisation's name as a news outlet's
    when the name is not listed ("the Daily Caller", "the Moulton News")."""
    return frozenset(
        r[0].strip()
        for r in data_rows("media.tsv")
        if len(r) >= 2 and r[1].strip() == "outlet_word"
    )


# --------------------------------------------------------------------------- cue class


def is_negated(root: Token) -> bool:
    """A cue verb that is negated ("did not deny", "never said") or the complement of a
    refusal ("declined to confirm", "refused to say")."""
    if any(c.dep_ == "neg" for c in root.children):
        return True
    head = root.head
    return root.dep_ == "xcomp" and head.lemma_.lower() in NEGATING_GOVERNORS


def classify_cue(doc: Doc, att: Attribution) -> str:
    """The cue class of ``att``, "other" for a negated cue."""
    root = cue_root(doc, att)
    lemma = att.cue_lemma or (root.lemma_.lower() if root is not None else "")
    if root is not None and is_negated(root):
        att.extra["negated"] = True
        return "other"
    return cue_class(lemma) if lemma else "other"


# --------------------------------------------------------------------------- hedges


@lru_cache(maxsize=1)
def hedge_phrases() -> tuple[str, ...]:
    """The hedge phrases of ``data/hedges.txt``."""
    return tuple(row[0].strip() for row in data_rows("hedges.txt") if row and row[0].strip())


@dataclass
class _Matchers:
    hedges: PhraseMatcher
    names: PhraseMatcher  # outlets and platforms, on ORTH
    channels: PhraseMatcher  # vehicle nouns, on LOWER
    deps: DependencyMatcher
    outlet_words: frozenset[str]


_MATCHERS: dict[int, _Matchers] = {}


def _tokenize(vocab: Vocab, texts: Iterable[str]) -> list[Doc]:
    """Pattern docs tokenised by English rules, so "op-ed" splits as in the documents."""
    make_doc = spacy.blank("en", vocab=vocab).make_doc
    return [make_doc(t) for t in texts]


def _matchers(vocab: Vocab) -> _Matchers:
    key = id(vocab)
    if key in _MATCHERS:
        return _MATCHERS[key]
    rows = [r for r in data_rows("media.tsv") if len(r) >= 2]
    names: list[str] = []
    channels: list[str] = []
    for phrase, kind, *_ in rows:
        phrase, kind = phrase.strip(), kind.strip()
        if kind in ("outlet", "platform"):
            names.append(phrase)
            if phrase.startswith("The "):
                names.append("the " + phrase[4:])
        elif kind == "channel":
            channels.append(phrase.lower())
    hedge_m = PhraseMatcher(vocab, attr="LOWER")
    hedge_m.add("HEDGE", _tokenize(vocab, hedge_phrases()))
    name_m = PhraseMatcher(vocab, attr="ORTH")
    name_m.add("OUTLET", _tokenize(vocab, names))
    chan_m = PhraseMatcher(vocab, attr="LOWER")
    chan_m.add("CHANNEL", _tokenize(vocab, channels))
    dep_m = DependencyMatcher(vocab)
    # "told Sputnik": the addressee of a telling verb.
    dep_m.add(
        "TOLD",
        [
            [
                {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(TELL_LEMMAS)}}},
                {
                    "LEFT_ID": "verb",
                    "REL_OP": ">",
                    "RIGHT_ID": "medium",
                    "RIGHT_ATTRS": {"DEP": {"IN": ["dobj", "dative", "iobj"]}},
                },
            ]
        ],
    )
    # "in a statement", "on Twitter": the object of a medium preposition.
    dep_m.add(
        "PREP",
        [
            [
                {"RIGHT_ID": "prep", "RIGHT_ATTRS": {"LOWER": {"IN": sorted(MEDIUM_PREPS)}}},
                {
                    "LEFT_ID": "prep",
                    "REL_OP": ">",
                    "RIGHT_ID": "medium",
                    "RIGHT_ATTRS": {"DEP": "pobj"},
                },
            ]
        ],
    )
    m = _Matchers(hedge_m, name_m, chan_m, dep_m, outlet_words())
    _MATCHERS[key] = m
    return m


def hedge_spans(doc: Doc) -> list[tuple[int, int]]:
    """Char offsets of every hedge phrase in ``doc``."""
    m = _matchers(doc.vocab)
    return [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for _, s, e in m.hedges(doc)]


def is_hedged(doc: Doc, att: Attribution, hedges: list[tuple[int, int]]) -> bool:
    """A hedge inside a content fragment or anywhere in the cue's sentence."""
    root = cue_root(doc, att)
    sent = (root.sent.start_char, root.sent.end_char) if root is not None else None
    for s, e in hedges:
        if in_content(att, s, e):
            return True
        if sent is not None and sent[0] <= s and e <= sent[1]:
            return True
    return False


# --------------------------------------------------------------------------- negation


@lru_cache(maxsize=1)
def polarity_words() -> dict[str, frozenset[str]]:
    """The words of ``data/polarity.tsv`` by kind: negation, dismissal, claim, evidence and
    idiom (a negation and the word after it, "no doubt", that asserts)."""
    kinds: dict[str, set[str]] = {}
    for row in data_rows("polarity.tsv"):
        if len(row) >= 2 and row[0].strip() != "kind":
            kinds.setdefault(row[0].strip(), set()).add(row[1].strip().lower())
    return {kind: frozenset(words) for kind, words in kinds.items()}


# Clauses below a content's main clause: a negation in one ("killed … because they wouldn't
# take part", "the people who weren't here") negates that clause, not what the source says.
# (A conjunct is not one: "used a State Department computer and never used his own" says both.)
_SUBORDINATE = frozenset({"advcl", "relcl", "csubj", "csubjpass", "parataxis"})
# … nor is the clause of a noun or preposition that the content opens with: it holds the
# proposition ("suggestions that he is not a self-made billionaire", "Trump for not paying
# tax"), where under a verb it qualifies one ("the penalties for not disclosing … are light").
_NOUN_CLAUSE = frozenset({"acl", "pcomp"})


def content_negated(doc: Doc, att: Attribution) -> bool | None:
    """Whether the parse puts a negation word of the content's first sentence in its main
    clause ("that the US does not support terrorists", "no one released the filings", "it
    means Trump never contributed"), not in a subordinate one; an idiom's negation ("there is
    no doubt that") does not count. None when the content covers no token."""
    negation, idioms = polarity_words()["negation"], polarity_words().get("idiom", frozenset())
    tokens = [t for s, e in att.content if (span := _span(doc, s, e)) is not None for t in span]
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    if not words:
        return None
    sentence = words[0].sent
    inside = {t.i for t in tokens if sentence.start <= t.i < sentence.end}
    for token in tokens:
        word = token.lower_.replace("\u2019", "'")
        if token.i not in inside or word not in negation:
            continue
        after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        if f"{word} {after}" in idioms:
            continue
        node, under_noun, main = token, False, True
        while node.head.i != node.i and node.head.i in inside:
            if node.dep_ in _SUBORDINATE:
                main = False
                break
            under_noun |= node.dep_ in _NOUN_CLAUSE
            node = node.head
        # A negated noun phrase corrects one ("… the idea of using a secure line with Russia,
        # not Kushner"), whatever clause it stands in, unless a subordinate one.
        corrects = token.head.pos_ in ("NOUN", "PROPN", "PRON")
        if main and (corrects or not (under_noun and node.pos_ in ("VERB", "AUX"))):
            return True
    return False


# --------------------------------------------------------------------------- medium


@dataclass(frozen=True)
class _DocMedia:
    names: dict[int, tuple[int, int]]  # token index → token span (start, end) of the name
    channel_ends: dict[int, int]  # last token index of a vehicle phrase → its first index
    candidates: list[tuple[str, int, int]]  # (pattern, head token, medium token)


def _doc_media(doc: Doc) -> _DocMedia:
    m = _matchers(doc.vocab)
    names: dict[int, tuple[int, int]] = {}
    for _, s, e in sorted(m.names(doc), key=lambda x: x[1] - x[2]):  # longest first
        for i in range(s, e):
            names.setdefault(i, (s, e))
    # ORG entities named like an outlet ("the Daily Caller") count as outlets too.
    for ent in doc.ents:
        if ent.label_ == "ORG" and any(t.text in m.outlet_words for t in ent):
            for t in ent:
                names.setdefault(t.i, (ent.start, ent.end))
    channel_ends: dict[int, int] = {}
    for _, s, e in sorted(m.channels(doc), key=lambda x: x[2] - x[1]):  # longest wins
        channel_ends[e - 1] = s
    candidates = []
    for match_id, (head, medium) in m.deps(doc):
        candidates.append((doc.vocab.strings[match_id], head, medium))
    return _DocMedia(names, channel_ends, candidates)


def _name_span(doc: Doc, media: _DocMedia, tok: Token) -> tuple[int, int]:
    s, e = media.names[tok.i]
    # "the Washington Post": keep a listed "The" ("The New York Times"), drop a lower-case one.
    if doc[s].lower_ == "the" and doc[s].text == "the":
        s += 1
    return s, e


def _medium_of(doc: Doc, media: _DocMedia, pattern: str, tok: Token) -> tuple[int, int] | None:
    """Token span of the medium headed by ``tok``, or None if ``tok`` is no medium."""
    if tok.i in media.names:
        return _name_span(doc, media, tok)
    if pattern != "PREP" or tok.i not in media.channel_ends:
        return None
    # A vehicle noun: from its leftmost pre-modifier (determiner, possessive, adjective) to
    # the noun, extended over an outlet or platform that it takes by a preposition.
    start = min([tok.i, media.channel_ends[tok.i]] + [c.left_edge.i for c in tok.lefts])
    end = tok.i + 1
    for prep in tok.rights:
        if prep.dep_ != "prep" or prep.lower_ not in OUTLET_PREPS:
            continue
        for obj in prep.children:
            if obj.dep_ == "pobj" and obj.i in media.names:
                end = max(end, _name_span(doc, media, obj)[1])
    return start, end


def find_medium(doc: Doc, att: Attribution, media: _DocMedia) -> tuple[int, int] | None:
    """Char offsets of the medium of ``att``'s cue, or None."""
    clause = cue_clause(doc, att)
    root = cue_root(doc, att)
    if root is None:
        return None
    found: list[tuple[int, int, int, int]] = []  # (rank, depth, start token, end token)
    for pattern, head, medium in media.candidates:
        if head not in clause or medium not in clause:
            continue
        if pattern == "TOLD" and head != root.i:
            continue
        span = _medium_of(doc, media, pattern, doc[medium])
        if span is None or not all(i in clause for i in range(*span)):
            continue
        depth, tok = 0, doc[medium]
        while tok != root and tok.head != tok:
            depth, tok = depth + 1, tok.head
        # "likened RT to the BBC in an interview with The Washington Post": an outlet
        # after "to" is more often the object of comparison or address than the medium.
        rank = int(pattern == "PREP" and doc[medium].head.lower_ == "to")
        found.append((rank, depth, *span))
    if not found:
        return None
    _, _, s, e = min(found)
    return doc[s].idx, doc[e - 1].idx + len(doc[e - 1])


# --------------------------------------------------------------------------- component


def qualify(doc: Doc, attributions: list[Attribution]) -> None:
    """Set ``cue_class``, ``hedged``, ``content_negated`` and ``medium`` on every attribution
    of ``doc``."""
    if not attributions:
        return
    hedges = hedge_spans(doc)
    media = _doc_media(doc)
    for att in attributions:
        att.cue_class = classify_cue(doc, att)
        att.hedged = is_hedged(doc, att, hedges)
        att.content_negated = content_negated(doc, att)
        att.medium = find_medium(doc, att, media)
