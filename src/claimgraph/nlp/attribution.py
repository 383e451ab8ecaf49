"""Attribution rules: find the source, cue and content of every attribution in a parsed Doc.

The rules follow the PolNeAR annotation guidelines: a cue is a reporting word from the
lexicon (``data/cues.tsv``) with its verb group (auxiliaries, negation, adjacent adverbs,
particles); the source is the cue's subject (or the object of "according to", the agent of a
passive, the subject inherited through a conjunction or a participle); the content is the
quotation next to the cue when there is one, else the cue's clausal complement
(that-clause, to-infinitive), else its object. Quotes continued after "she said" or in the
next paragraph become further fragments of the same content. A line can also be attributed
by punctuation alone: a speaker's name and a colon opening a headline or a transcript's turn,
a quotation signed after a dash. Only outermost attributions are kept (an attribution inside
another's content is not reported), as the guidelines ask.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from spacy.tokens import Doc, Token

from claimgraph.nlp.lexicon import Lexicon, load_lexicon
from claimgraph.nlp.model import Attribution

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
CLAUSAL = {"ccomp", "xcomp"}
OBJECTS = {"dobj", "attr", "oprd"}
# prepositions that continue an object content: "denied complicity with Daesh",
# "accused the media of lying", "criticized it for …"
OBJECT_PREPS = {"of", "for", "as", "with", "about", "over", "against", "on"}
# words of the verb group kept in a cue when they stand right next to the verb
VERB_GROUP_LEFT = {"aux", "auxpass", "neg", "advmod"}
VERB_GROUP_RIGHT = {"prt"}
PEOPLE_ENTS = {"PERSON", "ORG", "GPE", "NORP"}
QUOTE_CHARS = "“”\"'‘’«»„"
TRAILING_PUNCT = ",.;:!?—–-)( \n\t"
MIN_QUOTE_WORDS = 4  # shorter quotes without a cue of their own are scare quotes
# Attributions marked by punctuation alone, one line each (rule names "speaker" and
# "signature"): a speaker's name and a colon opening a headline or a transcript's turn
# ("Pence: Flowers Won't Be at Debate", "WALLACE: If I may, sir, …"), and a quotation
# signed after a dash ("“… a real disgrace.” ― Azucena Gonzàlez").
_SPEAKER_LINE = re.compile(
    r"""[ \t\xa0]*["“]?(?P<name>[^:\n"“”]{1,60}?)[ \t\xa0]*:[ \t\xa0]+(?P<rest>[^\n]*\S)"""
)
_SIGNED_LINE = re.compile(
    r"""[ \t\xa0]*(?P<quote>[“”"‘'][^\n]*[”"’'])[ \t\xa0]*(?P<dash>―|—|–|--?)[ \t\xa0]*"""
    r"""(?P<name>[^\n,]{2,60}?)(?:,[^\n]{0,40})?[ \t\xa0.]*$"""
)
# Words of a name (with the lower-case particles names carry) and labels that take a colon
# without being anyone's words.
_NAME_WORD = re.compile(r"(?:[A-Z][\w.'’-]*|\([\w.-]+\)|of|de|la|le|van|von|der|al|bin|da|du)")
NOT_SPEAKERS = frozenset(
    (
        "note", "update", "updated", "editor's note", "editor’s note", "correction",
        "clarification", "related", "read more", "watch", "video", "photo", "photos",
        "credit", "source", "sources", "disclosure", "transcript", "breaking", "exclusive",
        "warning", "tags", "share", "advertisement", "listen", "subscribe", "see also",
        "sponsored", "summary", "background", "context", "live", "bottom line", "follow",
        "email", "contact", "image", "caption", "graphic", "map", "chart", "table",
        "the latest",
    )
)  # fmt: skip


def content_kind(text: str, content: list[tuple[int, int]]) -> str:
    """``direct`` when every fragment of ``content`` opens or closes with a quotation mark,
    ``indirect`` when none does, else ``mixed`` (how the learned model's contents are kinded)."""
    quoted = [text[s] in QUOTE_CHARS or text[e - 1] in QUOTE_CHARS for s, e in content]
    return "direct" if all(quoted) else "mixed" if any(quoted) else "indirect"


def _token_at(starts: list[int], char: int) -> int:
    """Index of the token that contains character ``char`` (``starts``: token offsets)."""
    return max(bisect.bisect_right(starts, char) - 1, 0)


class _Quotes:
    """Quotes of one Doc with fast lookups."""

    def __init__(self, doc: Doc, quotes: list[tuple[int, int]]) -> None:
        self.doc = doc
        self.spans = sorted(quotes)
        self.starts = [s for s, _ in self.spans]

    def containing(self, char: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.spans[i][0] <= char < self.spans[i][1]:
            return self.spans[i]
        return None

    def starting_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        i = bisect.bisect_left(self.starts, lo)
        out = []
        while i < len(self.spans) and self.spans[i][0] < hi:
            out.append(self.spans[i])
            i += 1
        return out


def _subtree_bounds(tokens: Iterable[Token]) -> tuple[int, int] | None:
    toks = list(tokens)
    if not toks:
        return None
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def _trim(text: str, start: int, end: int, keep_quotes: bool = True) -> tuple[int, int]:
    """Drop surrounding spaces and punctuation; keep quotation marks that enclose text."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-)"):
        start += 1
    while end > start and (text[end - 1] in TRAILING_PUNCT):
        end -= 1
    if not keep_quotes:
        while start < end and text[start] in QUOTE_CHARS:
            start += 1
        while end > start and text[end - 1] in QUOTE_CHARS:
            end -= 1
    # an unmatched closing mark at the end belongs to an outer quote
    if (
        end > start
        and text[end - 1] in '”"'
        and text.count("“", start, end) + text.count('"', start, end - 1) == 0
    ):
        end -= 1
        while end > start and text[end - 1] in TRAILING_PUNCT:
            end -= 1
    if start < end and text[start] in "“" and "”" not in text[start:end]:
        start += 1
    return start, end


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Content fragments never cross a line break (as brat annotations do)."""
    frags = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        s, e = pos, stop
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            frags.append((s, e))
        pos = stop + 1
    return frags


def agent_of(verb: Token) -> Token | None:
    """The head of a passive verb's "by" agent ("was labeled … by PolitiFact reporters"), if
    any."""
    for c in verb.children:
        if c.dep_ == "agent":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def subject_of(verb: Token, depth: int = 0) -> tuple[Token, Token | None] | None:
    """The token heading the source of a reporting ``verb``, and a subtree to leave out of
    it (a noun's participle: "a tweet attacking X" → "a tweet"): its "by" agent in the
    passive, else its subject, else, for a verb without one, the subject of the verb it is
    conjoined to or the complement or participle of ("… and added", "citing", "to
    state"), or the noun a participle modifies."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    agent = agent_of(verb)
    if agent is not None:
        return agent, None
    if passive:
        return None
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c, None
    if depth >= 3 or verb.head is verb:
        return None
    head = verb.head
    if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN", "PRON"):
        return head, verb
    if verb.dep_ == "pcomp" and head.dep_ == "prep":
        return subject_of(head.head, depth + 1)
    if verb.dep_ in ("conj", "xcomp", "advcl"):
        if verb.dep_ == "advcl" and verb.tag_ not in ("VBG", "VB"):
            return None
        return subject_of(head, depth + 1)
    return None


class AttributionRules:
    """Apply the rules to one Doc."""

    def __init__(self, doc: Doc, quotes: list[tuple[int, int]], lexicon: Lexicon) -> None:
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]
        self.quotes = _Quotes(doc, quotes)
        self.lex = lexicon
        # nothing before the end of a dateline ("WASHINGTON (Sputnik) –") is a claim's part
        self.body_start = doc._.body_start if Doc.has_extension("body_start") else 0
        self.body_start = self.body_start or 0
        self._named: set[str] | None = None  # words of the named entities (_names_someone)

    # --- cues -------------------------------------------------------------------------
    def is_cue(self, tok: Token) -> bool:
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX"):
            return lemma in self.lex.verbs
        if tok.pos_ == "NOUN":
            return lemma in self.lex.nouns
        return False

    def cue_span(self, verb: Token, content: tuple[int, int] | None) -> tuple[int, int]:
        """The verb group around ``verb``: contiguous auxiliaries, negation, adverbs, particles."""
        doc = self.doc
        left = verb.i
        kids_left = {c.i for c in verb.lefts if c.dep_ in VERB_GROUP_LEFT}
        while left - 1 >= 0 and (left - 1) in kids_left:
            left -= 1
        right = verb.i
        kids_right = {c.i for c in verb.rights if c.dep_ in VERB_GROUP_RIGHT}
        while right + 1 < len(doc) and (right + 1) in kids_right:
            right += 1
        # a linking preposition belongs to the cue when its object is the content:
        # "called for", "referring to", "talked about"
        nxt = right + 1
        if nxt < len(doc) and doc[nxt].dep_ == "prep" and doc[nxt].head.i == verb.i:
            prep = doc[nxt]
            if prep.lower_ in self.lex.linking_preps and content is not None:
                objs = [o for o in prep.children if o.dep_ in ("pobj", "pcomp")]
                if objs and min(t.idx for t in objs[0].subtree) == content[0]:
                    right = nxt
        start = doc[left].idx
        end = doc[right].idx + len(doc[right])
        if content is not None and content[0] < end and content[0] > start:
            end = verb.idx + len(verb)
        return start, end

    # --- sources ------------------------------------------------------------------------
    def source_span(
        self, subj: Token, cue: tuple[int, int], leave_out: Token | None = None
    ) -> tuple[int, int] | None:
        if subj.dep_ == "expl" or subj.lower_ == "there":
            return None  # empty subjects of "there is concern that"
        skip = {t.i for t in leave_out.subtree} if leave_out is not None else set()
        toks = [t for t in subj.subtree if t.i not in skip and not (cue[0] <= t.idx < cue[1])]
        # a relative clause is incidental to who the source is
        for t in list(toks):
            if t.dep_ == "relcl" and t.head.i == subj.i:
                rel_start = min(x.i for x in t.subtree)
                toks = [x for x in toks if x.i < rel_start]
                break
        b = self.span_of(toks, subj)
        if b is None:
            return None
        s, e = b
        # parenthetical commas belong to the source: "Dean, a former chairman,"
        if "," in self.text[s:e] and self.text[e : e + 1] == ",":
            e += 1
        return s, e

    def span_of(
        self, toks: list[Token], anchor: Token, keep_quotes: bool = False
    ) -> tuple[int, int] | None:
        """The contiguous run of ``toks`` around ``anchor`` within its paragraph, with
        punctuation trimmed from both ends (quotation marks kept when they pair)."""
        if not toks:
            return None
        toks = sorted(toks, key=lambda t: t.i)
        idx = [t.i for t in toks]
        pos = bisect.bisect_left(idx, anchor.i)
        if pos >= len(toks) or toks[pos].i != anchor.i:
            pos = min(pos, len(toks) - 1)
        lo = hi = pos
        while lo > 0 and toks[lo - 1].i == toks[lo].i - 1 and "\n" not in toks[lo - 1].text_with_ws:
            lo -= 1
        while (
            hi + 1 < len(toks)
            and toks[hi + 1].i == toks[hi].i + 1
            and "\n" not in toks[hi].text_with_ws
        ):
            hi += 1
        run = toks[lo : hi + 1]
        return self.trim_tokens(run, keep_quotes)

    def trim_tokens(self, run: list[Token], keep_quotes: bool) -> tuple[int, int] | None:
        def droppable(t: Token, at_end: bool) -> bool:
            if t.is_space:
                return True
            if at_end and t.dep_ == "cc":
                return True  # "that the reforms were not complete, and"
            if not t.is_punct:
                return False
            if t.text in QUOTE_CHARS or t.text in ("''", "``"):
                if not keep_quotes:
                    return True
                inner = "".join(x.text for x in run)
                return inner.count(t.text) % 2 == 1 and t.text not in "“”"
            # a bracket whose partner is inside the span stays: "Sen. Lindsey Graham (R-S.C.)"
            partner = "(" if t.text == ")" else ")" if t.text == "(" else None
            return partner is None or not any(x.text == partner for x in run)

        while run and droppable(run[0], False):
            run = run[1:]
        while run and droppable(run[-1], True):
            run = run[:-1]
        if not run:
            return None
        s, e = run[0].idx, run[-1].idx + len(run[-1])
        if keep_quotes:
            s, e = _trim(self.text, s, e)
        return (s, e) if e > s else None

    # --- content ------------------------------------------------------------------------
    def adjacent_quote(self, cue_tok: Token, src: tuple[int, int] | None) -> list[tuple[int, int]]:
        """A quotation right before the source/cue clause or right after the cue."""
        text = self.text
        lo = min(cue_tok.idx, src[0] if src else cue_tok.idx)
        hi = max(cue_tok.idx + len(cue_tok), src[1] if src else 0)
        # quote ending just before: “…,” she said / “…,” said Mr. X — the quote must end
        # with a comma, question or exclamation mark or dash, not a full stop
        before = self.quotes.starting_in(max(lo - 6000, 0), lo)
        for q in reversed(before):
            if q[1] > lo:
                continue
            gap = text[q[1] : lo]
            if not gap.strip(" ,—–-") and "\n" not in gap:
                inner = text[q[0] : q[1]].rstrip(QUOTE_CHARS + " ")
                if inner.endswith((",", "?", "!", "—", "–", "-", "…")) or gap.strip():
                    return [q]
            break
        # quote starting just after: she said: “…” / said, “…”
        line_end = text.find("\n", hi)
        if line_end == -1:
            line_end = len(text)
        after = self.quotes.starting_in(hi, line_end)
        if after:
            q = after[0]
            between = text[hi : q[0]]
            if not between.strip(" ,:;—–-"):
                return [q]
            # only an adverbial between cue and quote ("said on Friday: “…”")
            if between.rstrip().endswith(":") and len(between) < 60:
                return [q]
        return []

    def clausal_content(
        self, cue_tok: Token, src: tuple[int, int] | None
    ) -> tuple[int, int] | None:
        kids = list(cue_tok.children)
        ccomps = [c for c in kids if c.dep_ == "ccomp"]
        # to-infinitives ("plans to run"); participle xcomps ("told X, commenting") are not
        xcomps = [c for c in kids if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.lefts)]
        objs = [c for c in kids if c.dep_ in OBJECTS]
        leave_out: set[int] = set()
        if ccomps:
            # "told Sputnik that …": the recipient is not part of the content
            parts = ccomps
            for c in ccomps:
                leave_out.update(self.leading_dates(c))
                leave_out.update(self.trailing_reports(c))
        elif xcomps:
            # "urged his subordinates never to speak": the object is part of what is urged
            parts = [o for o in objs if o.i < xcomps[0].i] + xcomps
        elif objs:
            # "accused the media of lying", "criticized it for …"
            parts = list(objs)
            for c in kids:
                if (
                    c.dep_ == "prep"
                    and c.lower_ in OBJECT_PREPS
                    and c.i > objs[-1].i
                    and not any(t.ent_type_ in ("DATE", "TIME") for t in c.subtree)
                ):
                    parts.append(c)
            for o in objs:
                for c in o.children:
                    if c.dep_ == "relcl":
                        leave_out.update(t.i for t in c.subtree)
        else:
            parts = []
            # "called for X", "talked about X", "warned of X": the object of a linking prep
            for c in kids:
                if c.dep_ == "prep" and c.lower_ in self.lex.linking_preps:
                    # "was published on Friday": a date says when, not what
                    parts = [
                        o
                        for o in c.children
                        if o.dep_ in ("pobj", "pcomp")
                        and not any(t.ent_type_ in ("DATE", "TIME") for t in o.subtree)
                    ]
                    if parts:
                        break
        if not parts:
            return None
        toks = [t for c in parts for t in c.subtree if t.i not in leave_out]
        if objs and not ccomps and not xcomps:
            toks += self.stranded_predicate(max(t.i for t in toks) + 1)
        b = self.span_of(toks, parts[0], keep_quotes=True)
        if b is None:
            return None
        s, e = b
        if src and s < src[1] and e > src[0]:
            return None
        return s, e

    def stranded_predicate(self, i: int) -> list[Token]:
        """'adding [a series of attacks] have been carried out …': the parser took the
        subject of a reported clause for the cue's object and hung the clause's verb
        elsewhere. A subjectless finite clause right after the object completes it."""
        if i >= len(self.doc):
            return []
        tok = self.doc[i]
        head = tok.head if tok.dep_ in ("aux", "auxpass", "neg") else tok
        if (
            head.pos_ in ("VERB", "AUX")
            and head.dep_ in ("ccomp", "conj")
            and head.i >= i
            and tok.tag_ in ("MD", "VBZ", "VBP", "VBD")
            and not any(c.dep_ in SUBJECTS for c in head.children)
        ):
            return [t for t in head.subtree if t.i >= i]
        return []

    def leading_dates(self, clause: Token) -> set[int]:
        """'(told Sputnik) on Friday it encouraged …': a date before the clause's subject
        says when it was said, not what."""
        subj = next((c for c in clause.lefts if c.dep_ in SUBJECTS), None)
        if subj is None or any(c.dep_ == "mark" for c in clause.lefts):
            return set()  # "said that on Friday he …": the date is inside the content
        out: set[int] = set()
        for c in clause.lefts:
            if (
                c.i < subj.i
                and c.dep_ in ("prep", "npadvmod", "advmod")
                and any(t.ent_type_ in ("DATE", "TIME") for t in c.subtree)
            ):
                out.update(t.i for t in c.subtree)
        if out:  # with the commas that set the date off
            out.update(c.i for c in clause.lefts if c.i < subj.i and c.dep_ == "punct")
        return out

    def trailing_reports(self, clause: Token) -> set[int]:
        """', adding that …' / ', saying …' after a clause is an attribution of its own."""
        out: set[int] = set()
        for t in clause.subtree:
            if (
                t.dep_ == "advcl"
                and t.tag_ == "VBG"
                and self.is_cue(t)
                and t.i > clause.i
                and t.i > 0
                and self.doc[t.i - 1].text == ","
            ):
                out.update(x.i for x in t.subtree)
                out.add(t.i - 1)
        return out

    def according_to(self, tok: Token) -> Attribution | None:
        """'according to X, …' and '…, according to X.'"""
        doc = self.doc
        if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            return None
        to = doc[tok.i + 1]
        objs = [o for o in to.children if o.dep_ == "pobj"]
        if not objs:
            return None
        src = self.source_span(objs[0], (tok.idx, to.idx + 2))
        if src is None:
            return None
        sent = tok.sent
        cue = (tok.idx, to.idx + len(to))
        if src[1] >= sent.end_char - 2 or self.text[src[1] : sent.end_char].strip(" .,\n") == "":
            # sentence-final: content is what precedes
            content = _trim(self.text, sent.start_char, tok.idx)
        else:
            content = _trim(self.text, src[1], sent.end_char)
            if tok.idx > sent.start_char + 2:
                # in the middle: content is the whole sentence minus the "according to" phrase
                first = _trim(self.text, sent.start_char, tok.idx)
                if first[1] > first[0]:
                    return self._make(cue, "according to", [first, content], src, "according")
        return self._make(cue, "according to", [content], src, "according")

    def _make(
        self,
        cue: tuple[int, int],
        lemma: str,
        content: list[tuple[int, int]],
        src: tuple[int, int] | None,
        rule: str,
    ) -> Attribution | None:
        frags: list[tuple[int, int]] = []
        body = self.body_start
        for s, e in content:
            s = max(s, body)
            # a content never cuts a quotation it opened: extend to the closing mark
            q = self.quotes.containing(e - 1) if e > s else None
            if q is not None and s <= q[0] < e < q[1]:
                e = q[1]
            if e > s:
                frags.extend(_split_lines(self.text, s, e))
        frags = [f for f in frags if f[1] > f[0]]
        if not frags:
            return None
        text = self.text
        quoted = sum(1 for s, _ in frags if text[s] in QUOTE_CHARS)
        has_quote = any(ch in text[s:e] for s, e in frags for ch in '“”"')
        if quoted == len(frags) and all(text[e - 1] in QUOTE_CHARS for _, e in frags):
            kind = "direct"
        elif has_quote:
            kind = "mixed"
        else:
            kind = "indirect"
        return Attribution(
            cue=cue, cue_lemma=lemma, content=sorted(frags), kind=kind, source=src, rule=rule
        )

    def aimed_at_someone(self, verb: Token) -> bool:
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "for":
                return True
            if c.dep_ == "dobj":
                return c.pos_ in ("PRON", "PROPN") or c.ent_type_ in PEOPLE_ENTS
        return True

    def from_verb(self, tok: Token) -> Attribution | None:
        if tok.lemma_.lower() in self.lex.physical_verbs and not self.aimed_at_someone(tok):
            return None
        found = subject_of(tok)
        src = None
        if found is not None:
            src = self.source_span(found[0], (tok.idx, tok.idx + len(tok)), found[1])
        quotes = self.adjacent_quote(tok, src)
        if quotes:
            content = quotes
            rule = "quote"
        else:
            c = self.clausal_content(tok, src)
            if c is None:
                return None
            content = [c]
            rule = "clause"
        cue = self.cue_span(tok, content[0])
        if rule == "quote" and content[0][0] >= cue[1]:
            # "said: “…”" — the colon introducing speech is part of the cue
            colon = self.text.find(":", cue[1], content[0][0])
            if colon != -1 and not self.text[cue[1] : colon].strip():
                cue = (cue[0], colon + 1)
        if src and cue[0] < src[1] and src[0] < cue[1]:
            return None
        if src and src[0] < self.body_start:
            src = None if src[1] <= self.body_start else (self.body_start, src[1])
        lemma = self.lex.cue_lemma(tok)
        return self._make(cue, lemma, content, src, rule)

    def from_noun(self, tok: Token) -> Attribution | None:
        """'the claim that …', "the Pentagon's statement that …": a report noun with a
        that-clause. The source is the possessor, a "by"/"from" object, or the subject of a
        light verb that has the noun as object ("Moscow made the claim that …")."""
        clause = next(
            (
                c
                for c in tok.rights
                if c.dep_ in ("acl", "ccomp", "appos")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            ),
            None,
        )
        if clause is None:
            return None
        content = self.span_of(list(clause.subtree), clause, keep_quotes=True)
        if content is None:
            return None
        src = None
        poss = next((c for c in tok.lefts if c.dep_ == "poss"), None)
        if poss is not None:
            toks = [t for t in poss.subtree if t.dep_ != "case"]
            src = self.span_of(toks, poss)
        else:
            by = next(
                (c for c in tok.rights if c.dep_ == "prep" and c.lower_ in ("by", "from")), None
            )
            obj = next((o for o in by.children if o.dep_ == "pobj"), None) if by else None
            if obj is not None and obj.i < clause.i:
                src = self.source_span(obj, (tok.idx, tok.idx + len(tok)))
            elif tok.dep_ == "dobj" and tok.head.lemma_ in self.lex.light_verbs:
                found = subject_of(tok.head)
                if found is not None:
                    src = self.source_span(found[0], (tok.idx, tok.idx + len(tok)), found[1])
        cue = (tok.idx, tok.idx + len(tok))
        return self._make(cue, tok.lemma_.lower(), [content], src, "noun")

    def run(self) -> list[Attribution]:
        found: list[Attribution] = []
        for tok in self.doc:
            att = None
            if tok.lower_ == "according":
                att = self.according_to(tok)
            elif self.is_cue(tok):
                att = self.from_noun(tok) if tok.pos_ == "NOUN" else self.from_verb(tok)
            if att is not None:
                found.append(att)
        found = self.continue_quotes(found)
        found.extend(self.punctuated_lines())
        return outermost(found)

    def punctuated_lines(self) -> list[Attribution]:
        """Lines attributed by punctuation alone (``_SPEAKER_LINE``, ``_SIGNED_LINE``); an
        attribution found inside one is then dropped as nested (``outermost``)."""
        out: list[Attribution] = []
        pos = self.body_start
        for line in self.text[pos:].split("\n"):
            start, pos = pos, pos + len(line) + 1
            att = self.signed_line(line, start) or self.speaker_line(line, start)
            if att is not None:
                out.append(att)
        return out

    @staticmethod
    def _is_name(name: str) -> bool:
        words = name.split()
        return (
            0 < len(words) <= 6
            and all(_NAME_WORD.fullmatch(w) for w in words)
            and not any(ch.isdigit() for ch in name)
            and name.lower().strip(" .") not in NOT_SPEAKERS
        )

    def _names_someone(self, start: int, end: int) -> bool:
        """Whether the text names a speaker: a person, organisation, place or group (here
        or, as a headline's words often go untagged, anywhere else in the article), a word
        in capitals (a transcript's speaker) or a report noun of the lexicon ("Poll")."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        if self._named is None:
            self._named = {t.lower_ for e in self.doc.ents if e.label_ in PEOPLE_ENTS for t in e}
        return any(
            t.ent_type_ in PEOPLE_ENTS
            or (t.is_upper and len(t) > 1)
            or t.lemma_.lower() in self.lex.nouns
            or (t.is_title and t.lower_ in self._named)
            for t in span
        )

    def _dateline(self, start: int, end: int) -> bool:
        """Whether a name before a colon is a dateline's place ("WASHINGTON:", "MOSCOW
        (Sputnik):"): in capitals, no person to the parser, and a country, a region or a
        city of 100,000 people or more in the gazetteer."""
        from claimgraph.nlp.places import gazetteer

        name = self.text[start:end]
        place = name.split("(")[0].strip()  # "MOSCOW (Sputnik)": the outlet is no place
        span = self.doc.char_span(start, start + len(place), alignment_mode="expand")
        if not place.isupper() or span is None or any(t.ent_type_ == "PERSON" for t in span):
            return False
        return any(
            e.kind in ("country", "region", "continent") or e.population >= 100_000
            for e in gazetteer().lookup(place.title())
        )

    def speaker_line(self, line: str, at: int) -> Attribution | None:
        """A speaker's line, "Name: what they said": the rest of the line is the content
        (a closing full stop left out), the colon the cue."""
        m = _SPEAKER_LINE.match(line)
        if m is None or not self._is_name(m["name"]) or len(m["rest"].split()) < 2:
            return None
        colon = at + line.index(":", m.end("name"))
        end = at + m.end("rest")
        if self.text[end - 1] == "." and self.text[end - 2 : end] != "..":
            end -= 1
        src = (at + m.start("name"), at + m.end("name"))
        if not self._names_someone(*src) or self._dateline(*src):
            return None
        return self._make((colon, colon + 1), "say", [(at + m.start("rest"), end)], src, "speaker")

    def signed_line(self, line: str, at: int) -> Attribution | None:
        """A signed quotation, "“Quotation.” ― Name[, Place]": the quotation is the content,
        the dash the cue, the name the source."""
        m = _SIGNED_LINE.match(line)
        if m is None or not self._is_name(m["name"].strip()):
            return None
        if len(m["quote"].split()) < MIN_QUOTE_WORDS:
            return None
        name = m["name"].strip(" \xa0.")
        src = (at + m.start("name"), at + m.start("name") + len(name))
        dash = (at + m.start("dash"), at + m.end("dash"))
        quote = (at + m.start("quote"), at + m.end("quote"))
        return self._make(dash, "say", [quote], src, "signature")

    def _participle_of(self, att: Attribution, found: list[Attribution]) -> Attribution | None:
        """The quoted attribution whose cue ``att``'s participle follows after a comma ("“…,”
        DuVernay said, emphasizing …"; "said Caddell, speaking of …"), if any."""
        i = _token_at(self.starts, att.cue[0])
        if self.doc[i].tag_ != "VBG":
            return None
        for a in found:
            end = max(a.cue[1], a.source[1] if a.source else 0)
            if (
                a is not att
                and a.kind != "indirect"
                and a.content[-1][1] <= a.cue[0]
                and end <= att.cue[0]
                and self.text[end : att.cue[0]].strip() == ","
            ):
                return a
        return None

    def continue_quotes(self, found: list[Attribution]) -> list[Attribution]:
        """A quotation with no cue of its own that opens the sentence or paragraph right
        after a quoted attribution continues it ("…,” she said. “These cases …”), also past a
        participle's clause ("…,” she said, adding …. “These …”), and one that resumes the
        cue's sentence after a phrase between commas ("…,” she said in Boston, “but …”)."""
        text = self.text
        doc = self.doc
        used = {f for a in found for f in a.content}
        covered = sorted(used)
        quoting = sorted((a for a in found if a.kind != "indirect"), key=lambda a: a.content[-1][1])
        cue_starts = sorted(a.cue[0] for a in found)
        # a transcript's turn opened by a quotation mark ('"PENCE: Well, …') is its speaker's
        # own attribution, not the previous speaker going on
        turns = [
            a.source[0] for a in found if a.source is not None and text[a.cue[0] : a.cue[1]] == ":"
        ]
        for q in self.quotes.spans:
            if q in used or any(s <= q[0] < e for s, e in covered):
                continue
            if any(q[0] <= t <= q[0] + 1 for t in turns):
                continue
            words = text[q[0] : q[1]].split()
            if len(words) < MIN_QUOTE_WORDS or _is_heading(text, q):
                continue
            prev = None
            for a in sorted(found, key=lambda a: a.content[-1][1]):
                if max(a.content[-1][1], a.cue[1]) <= q[0]:
                    prev = a
                else:
                    break
            if prev is None:
                continue
            # the quotation that a participle's clause follows ("“…,” she said, emphasizing
            # why …. “What we need …”") is the one that goes on (PolNeAR train gold: 19 of 31
            # such quotations, 5 go with the participle's)
            participle, quoted = prev, self._participle_of(prev, found)
            if quoted is not None:
                prev = quoted
            if prev.kind == "indirect":
                continue
            # the continuation follows the end of the sentence that holds the cue
            last = max(prev.content[-1][1], prev.cue[1], prev.source[1] if prev.source else 0)
            sent_end = doc[_token_at(self.starts, last - 1)].sent.end_char
            close_by = not text[last : q[0]].strip(" .,\n")
            # or goes on in the cue's sentence after a phrase between commas ("“Every time you
            # say that,” Tester said, referring to the excuse, “you give …”": train 11 of 12)
            broken = (
                sent_end > q[0]
                and text[prev.content[-1][0] : prev.content[-1][1]].rstrip("\"”'’ ").endswith(",")
                and text[last : q[0]].rstrip().endswith(",")
                and len(text[last : q[0]].split()) > 2
                and "\n" not in text[last : q[0]]
            )
            if not close_by and not broken and (sent_end > q[0] or text[sent_end : q[0]].strip()):
                continue
            # and no other cue stands between them (but the participle's)
            i = bisect.bisect_right(cue_starts, prev.cue[0])
            if quoted is not None and i < len(cue_starts) and cue_starts[i] == participle.cue[0]:
                i += 1
            if i < len(cue_starts) and cue_starts[i] < q[0] and not close_by:
                continue
            # nor a cue inside the quote's own sentence after it ("“…,” he added.")
            # (a sentence ends at its paragraph's end: the parser sometimes runs on across it)
            para_end = text.find("\n", q[1])
            q_sent_end = doc[_token_at(self.starts, q[1] - 1)].sent.end_char
            if para_end >= 0:
                q_sent_end = min(q_sent_end, para_end)
            j = bisect.bisect_left(cue_starts, q[1])
            if j < len(cue_starts) and cue_starts[j] < q_sent_end:
                continue
            prev.content = sorted([*prev.content, *_split_lines(text, *q)])
            prev.kind = "direct" if prev.kind == "direct" else "mixed"
            used.add(q)
            quoting.sort(key=lambda a: a.content[-1][1])
        return found


def _is_heading(text: str, quote: tuple[int, int]) -> bool:
    """Whether a quotation is a paragraph of its own in title case: a section heading
    ("'Coal Isn't the Villain.'"), not a speaker going on."""
    start, end = quote
    line_end = text.find("\n", end)
    before = text[text.rfind("\n", 0, start) + 1 : start]
    after = text[end : line_end if line_end >= 0 else len(text)]
    alone = not before.strip() and not after.strip()
    words = [w for w in re.findall(r"[A-Za-z][\w’']*", text[start:end]) if len(w) > 3]
    return alone and bool(words) and all(w[0].isupper() for w in words)


def outermost(atts: list[Attribution]) -> list[Attribution]:
    """Drop attributions whose cue lies inside another attribution's content."""
    keep = []
    for a in atts:
        nested = any(
            b is not a and any(s <= a.cue[0] and a.cue[1] <= e for s, e in b.content) for b in atts
        )
        if not nested:
            keep.append(a)
    # the same content claimed by two cues: keep the first found
    seen: set[tuple[tuple[int, int], ...]] = set()
    out = []
    for a in keep:
        key = tuple(a.content)
        if key in seen:
            continue
        seen.add(key)
        out.append(a)
    return out


def find_attributions(doc: Doc, quotes: list[tuple[int, int]]) -> list[Attribution]:
    """All (outermost) attributions in ``doc``."""
    if len(doc) == 0:
        return []
    return AttributionRules(doc, quotes, load_lexicon()).run()
