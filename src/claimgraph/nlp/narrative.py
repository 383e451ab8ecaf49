"""Reported events: sentences in the outlet's own voice that say something happened.

``find_narrative(doc, attributions)`` returns one ``Attribution`` of kind ``"narrative"``
for each sentence that

- lies outside every attribution (no cue, source, medium or content in it: "the Russian
  Defense Ministry published a batch of aerial pictures" is already a claim of its own),
  and is not mostly inside quotation marks;
- has an event verb as its root (not a copula, not a stative verb such as "seem" or
  "want") with a subject that is not "I", "we", "you" or "my …";
- is not a question, not an opinion or a conjecture (a modal "should", "must", "would",
  "could", "might", "may", "can" on the verb), not a headline (a paragraph of one line
  without final punctuation or written in title case, or the text's short first line when
  more follows), and has at least five words;
- has no speech verb with a subject ("…, he said", "Stumpf explained") that the
  attribution finder left alone: a report, not the outlet's own account.

The record has ``cue`` = the main verb with its auxiliaries and particle ("has been carried
out"), ``cue_lemma`` its lemma, ``content`` = the sentence without final punctuation, in
fragments split at line breaks, ``source`` = None (the outlet is the source; it is not on
the Doc, so ``resolved`` stays None for the caller to fill from ``Document.outlet``),
``date`` = the date of the main clause ("On September 28, a group of 300 Daesh militants
left …" → 2017-09-28): one of the text's date mentions (``doc._.dates``; "the same day"
is the last date established before it), ``targets`` = the entities the
sentence mentions (``claimgraph.nlp.entities.entities_in``) and ``hedged`` as for claims.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from claimgraph.nlp.entities import entities_in
from claimgraph.nlp.model import Attribution
from claimgraph.nlp.qualifiers import (
    CLAUSE_BREAKS,
    content_negated,
    data_rows,
    hedge_spans,
    is_hedged,
)
from claimgraph.nlp.time import text_dates

MIN_WORDS = 5
TITLE_WORDS = 20
# Modals of opinion, obligation or conjecture: "should", "would have": not a reported event.
MODALS = frozenset({"should", "must", "ought", "would", "could", "might", "may", "can", "shall"})
# Root verbs that state a state of mind or being rather than an event.
STATIVE = frozenset(
    {
        "be",
        "have",
        "seem",
        "appear",
        "remain",
        "know",
        "think",
        "believe",
        "want",
        "need",
        "like",
        "love",
        "hate",
        "hope",
        "wish",
        "mean",
        "matter",
        "deserve",
        "feel",
        "look",
        "sound",
        "consist",
        "belong",
        "depend",
        "own",
        "prefer",
        "doubt",
        "suppose",
    }
)
# Subjects that put the writer in the sentence: commentary, not a report.
PERSONAL = frozenset({"i", "we", "you"})
PERSONAL_POSSESSIVES = frozenset({"my", "our", "your"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
VERB_GROUP = frozenset({"aux", "auxpass", "neg", "prt"})
# Words that stay lower case in a title-cased headline.
_SMALL = frozenset(
    {"a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for"}
    | {"with", "from", "as", "vs", "via", "into", "over"}
)
_QUOTES = '"“”'
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")
_TRAILING = " \t\n.;:!?,—–-"


def _covered(attributions: list[Attribution]) -> list[tuple[int, int]]:
    """Every char span an attribution occupies, sorted."""
    spans: list[tuple[int, int]] = []
    for att in attributions:
        spans.append(att.cue)
        spans.extend(att.content)
        if att.source is not None:
            spans.append(att.source)
        if att.medium is not None:
            spans.append(att.medium)
    return sorted(spans)


def _overlaps(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(starts, end)
    # Spans are few; the ones starting before ``end`` are checked from the nearest back.
    return any(spans[j][1] > start for j in range(i - 1, -1, -1))


def _quoted_share(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> float:
    inside = sum(max(0, min(e, end) - max(s, start)) for s, e in quotes)
    return inside / max(1, end - start)


def _is_headline(text: str, start: int, end: int) -> bool:
    """A line standing alone as a paragraph, without final punctuation or in title case."""
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    alone = before in ("", "\n") and after in ("", "\n")
    if not alone:
        return False
    line = text[start:end].rstrip()
    if "\n" in line:
        return False
    if not line or line[-1] not in ".!?" + _QUOTES + "’'":
        return True
    # The first line of a text, standing alone, is its title ("IMF slashes prospect for U.S.
    # growth.").
    if not text[:start].strip() and text[end:].strip() and len(line.split()) <= TITLE_WORDS:
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if w.lower() not in _SMALL]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) >= 0.8


@lru_cache(maxsize=1)
def speech_verbs() -> frozenset[str]:
    """Verbs of the cue lexicon (``data/cues.tsv``) that report speech at least half the
    times they occur in PolNeAR ("say", "explain", "insist"; not "continue", "find")."""
    verbs = set()
    for row in data_rows("cues.tsv"):
        if len(row) >= 5 and row[1] == "VERB" and row[2] != "other":
            try:
                gold, total = int(row[3]), int(row[4])
            except ValueError:  # the header row
                continue
            if total and gold / total >= 0.5:
                verbs.add(row[0].strip().lower())
    return frozenset(verbs)


def _event_root(sent: Span) -> Token | None:
    """The sentence's main verb when it reports an event, else None."""
    root = sent.root
    if root.pos_ != "VERB" or root.lemma_.lower() in STATIVE:
        return None
    subjects = [c for c in root.children if c.dep_ in SUBJECTS]
    if not subjects or any(_personal(s) for s in subjects):
        return None
    if any(c.dep_ == "aux" and c.lower_ in MODALS for c in root.children):
        return None
    # Someone speaking that the attribution finder left alone ("…, he said", "Stumpf
    # explained earlier"): a report, not the outlet's own account.
    speech = speech_verbs()
    for tok in sent:
        if (
            tok.pos_ == "VERB"
            and tok.lemma_.lower() in speech
            and (tok is root or any(c.dep_ in SUBJECTS for c in tok.children))
        ):
            return None
    return root


def _personal(subject: Token) -> bool:
    """ "I", "we", "you", "my father": the writer in the story, so commentary."""
    return subject.lower_ in PERSONAL or any(
        c.dep_ == "poss" and c.lower_ in PERSONAL_POSSESSIVES for c in subject.children
    )


def _verb_group(root: Token) -> tuple[int, int]:
    """Char span of the verb with its auxiliaries, negation and particle."""
    toks = [root, *(c for c in root.children if c.dep_ in VERB_GROUP)]
    first = min(toks, key=lambda t: t.i)
    last = max(toks, key=lambda t: t.i)
    return first.idx, last.idx + len(last)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence without final punctuation, cut at line breaks."""
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    out = []
    pos = start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def _main_clause(tok: Token, root: Token) -> bool:
    """Whether ``tok`` hangs from ``root`` without passing into another clause."""
    steps = 0
    while tok != root and steps < 50:
        if tok.dep_ in CLAUSE_BREAKS and tok.dep_ not in SUBJECTS:
            return False
        if tok.head == tok:
            return False
        tok, steps = tok.head, steps + 1
    return tok == root


class _Dates:
    """Dates for narrative sentences: the text's date mentions (``time.text_dates``), which
    resolve "the same day" against the last date the text established."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        published = doc._.published if Doc.has_extension("published") else None
        self.found = sorted((s, e, v) for v, s, e, *_ in text_dates(doc, published))
        self.found_starts = [s for s, _, _ in self.found]

    def of(self, root: Token, start: int, end: int) -> tuple[str, int, int] | None:
        """(value, start, end) of the main clause's date in chars ``start:end``."""
        lo = bisect.bisect_left(self.found_starts, start)
        for s, e, value in self.found[lo:]:
            if s >= end:
                break
            span = self.doc.char_span(s, e, alignment_mode="expand")
            if value and span is not None and _main_clause(span.root, root):
                return value, s, e
        return None


def find_narrative(doc: Doc, attributions: list[Attribution]) -> list[Attribution]:
    """Attributions of kind "narrative" for sentences that report events."""
    if len(doc) == 0:
        return []
    text = doc.text  # built once
    covered = _covered(attributions)
    covered_starts = [s for s, _ in covered]
    quotes = [q for q in (doc._.quotes or []) if isinstance(q, tuple) and len(q) == 2]
    body_start = doc._.body_start or 0
    dates: _Dates | None = None
    found: list[Attribution] = []
    for sent in doc.sents:
        start, end = max(sent.start_char, body_start), sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        # A sentence that runs over a paragraph break is taken as its last paragraph.
        breaks = list(_PARAGRAPH.finditer(text, start, end))
        if breaks:
            start = breaks[-1].end()
        if start >= end or _overlaps(covered, covered_starts, start, end):
            continue
        fragments = _fragments(text, start, end)
        if not fragments:
            continue
        root = _event_root(sent)
        if root is None or not (fragments[0][0] <= root.idx < fragments[-1][1]):
            continue
        words = sum(1 for t in sent if not t.is_punct and not t.is_space)
        stripped = text[start:end].rstrip()
        if (
            words < MIN_WORDS
            or stripped.rstrip(_QUOTES + "’'").endswith("?")
            or _is_headline(text, start, end)
            or _quoted_share(text, start, end, quotes) >= 0.5
        ):
            continue
        if dates is None:
            dates = _Dates(doc)
        att = Attribution(
            cue=_verb_group(root),
            cue_lemma=root.lemma_.lower(),
            content=fragments,
            kind="narrative",
            rule="narrative",
        )
        att.date = dates.of(root, fragments[0][0], fragments[-1][1])
        att.targets = entities_in(doc, fragments)
        found.append(att)
    if found:
        hedges = hedge_spans(doc)
        for att in found:
            att.hedged = is_hedged(doc, att, hedges)
            att.content_negated = content_negated(doc, att)
    return found
