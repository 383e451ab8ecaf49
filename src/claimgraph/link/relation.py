"""The relation between two claims: agree, contradict, discuss or unrelated.

Rule signals first, from what the pipeline already records on each claim:

- the *polarity* of a claim: +1 when its source asserts the content, -1 when the source
  denies it (a cue of class ``deny``: "the Pentagon denied complicity with Daesh"), when the
  content dismisses claims ("any claims to the contrary are ridiculous"), names a denial
  ("the Pentagon denied any complicity") — in any of its sentences — or its first sentence is
  negated ("the US does not support terrorists"; a later sentence of a long quotation is
  another proposition, and so is a clause after "but"; the joint of a quotation's fragments
  before a capital ends a sentence), unless the parse put its negations in subordinate
  clauses (``Content.negated`` False: "killed … because they wouldn't take part"); a denied
  negation is an assertion again. 0 when the
  source is not committed: a negated cue ("did not say", cue class ``other``), a content
  that withholds ("did not comment on rumors", "could not confirm the reports"), or a
  content that only names published material ("a batch of aerial pictures showing that US
  troops are present", the noun phrase possibly opened by the cue: "published a batch of" |
  "aerial pictures …"): what pictures show is evidence offered, not a proposition that a
  denial answers;
- hedges (``Claim.hedged``: "reportedly", "allegedly"): the claim is reported, not endorsed.

Two claims about the same proposition contradict when their polarities are opposite and
they come from two sides (both attributed, to different sources: a spokesperson and the
ministry it speaks for are one side, and the outlet's own narration takes no side); they
agree when the polarities are equal and neither is hedged, and discuss otherwise. Whether
they are about the same proposition at all is the caller's gate (cosine of the embeddings,
a shared target).

An optional stance model (``predict_stance(pairs) -> labels`` over agree | disagree |
discuss | unrelated, FNC-1 style) refines pairs that the rules cannot split: its "disagree" or
"discuss" turns an agreement into a discussion; it makes no contradiction (its disagreements
on unseen stories are mostly wrong), and a polarity conflict found by the rules is never
overruled, since those are explicit in the text.

>>> from claimgraph.records import Claim, Content, Cue, Source
>>> accuse = Claim("d1", "a", "indirect", Source("Moscow", 0, 6), Cue("said", 7, 11, "say"),
...                Content("the United States supports terrorists", ((12, 49),)))
>>> deny = Claim("d2", "b", "indirect", Source("Washington", 0, 10),
...              Cue("denied", 11, 17, "deny", "deny"),
...              Content("that the United States supports terrorists", ((18, 60),)))
>>> relate(accuse, deny).relation
'contradict'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from claimgraph.link.features import split_sentences
from claimgraph.nlp.lexicon import load_lexicon
from claimgraph.nlp.qualifiers import polarity_words
from claimgraph.records import Claim

__all__ = [
    "RELATIONS",
    "Relation",
    "StanceFn",
    "denies",
    "load_stance",
    "polarity",
    "relate",
    "relate_many",
    "side",
]

RelationName = Literal["agree", "contradict", "discuss", "unrelated"]
RELATIONS: tuple[str, ...] = ("agree", "contradict", "discuss", "unrelated")
StanceFn = Callable[[list[tuple[str, str]]], list[str]]

# FNC-1 labels in our vocabulary.
_FROM_STANCE: dict[str, RelationName] = {
    "agree": "agree",
    "disagree": "contradict",
    "discuss": "discuss",
    "unrelated": "unrelated",
}
# Words, with a contraction's "n't" a word of its own ("isn't" → "is", "n't").
_WORD = re.compile(r"\w+(?=n't)|n't|\w+(?:[-']\w+)*", re.IGNORECASE)


def _words_of(text: str) -> list[str]:
    """Lower-case words of ``text`` (curly apostrophes read as straight ones)."""
    return [t.lower() for t in _WORD.findall(text.replace("’", "'"))]


@dataclass(frozen=True, slots=True)
class Relation:
    """A relation and why it was chosen (``reason`` is shown and stored with the link)."""

    relation: RelationName
    reason: str


@dataclass(frozen=True)
class _Words:
    negation: frozenset[str]
    dismissal: frozenset[str]
    claim: frozenset[str]
    evidence: frozenset[str]
    deny_forms: frozenset[str]
    idioms: frozenset[tuple[str, ...]]  # a negation with the word after it that asserts


@lru_cache(maxsize=1)
def _words() -> _Words:
    kinds = polarity_words()
    lexicon = load_lexicon()
    deny = {lemma for lemma, cls in lexicon.classes.items() if cls == "deny" and " " not in lemma}
    return _Words(
        kinds.get("negation", frozenset()),
        kinds.get("dismissal", frozenset()),
        kinds.get("claim", frozenset()),
        kinds.get("evidence", frozenset()),
        frozenset(form for lemma in deny for form in _inflections(lemma)),
        frozenset(tuple(idiom.split()) for idiom in kinds.get("idiom", ())),
    )


def _inflections(lemma: str) -> set[str]:
    """The forms a verb takes in news text: deny → denies, denied, denying."""
    forms = {lemma, lemma + "s", lemma + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    elif lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    else:
        forms |= {lemma + "ed", lemma + "es"}
    return forms


# A noun phrase opening a content: a determiner, then its head within a few words
# ("a batch of aerial pictures", "new satellite images").
_DETERMINERS = frozenset({"a", "an", "the", "this", "these", "those", "new", "several", "some"})
_HEAD_WITHIN = 5


def _names_evidence(tokens: list[str]) -> str | None:
    """The evidence noun heading the noun phrase that opens the content, if it does."""
    if not tokens or tokens[0] not in _DETERMINERS:
        return None
    evidence = _words().evidence
    for token in tokens[1 : 1 + _HEAD_WITHIN]:
        if token in evidence:
            return token
        if token == "that":  # a clause starts: the content asserts something
            return None
    return None


# Sentences of a content read for its polarity: a long quotation's, all of them.
_MAX_SENTENCES = 1000
# The joint of two fragments of a quotation between a punctuation mark and a capital ("… ran
# off,” … “I was so shocked …"): the quotation went on with a new sentence after the cue
# ("he said. “I was …"). (Not after a bare noun phrase: "the operation … 'I can't …".)
_NEW_SENTENCE_JOINT = re.compile(r"([,.!?;:][\"”'’]{0,2})\s…\s(?=[\"“'‘]{0,2}[A-Z])")
# A plain negation after "but" in the first sentence negates a second clause, not the one
# the source asserts ("he was advised to press charges(,) but does not see the point"), with
# or without a comma before it, as quotations are punctuated either way; so does one in a
# second that-clause ("that the deal is practically done and that the company won't change
# the platform").
_BUT = re.compile(r"\s+but\s|\s+and\s+that\s", re.IGNORECASE)


# Verbs (and the noun of "no comment") that a negation makes a source's withholding, not a
# denial: "would not comment", "has not publicly commented", "could not be verified" …
_WITHHOLD = frozenset(
    {"comment", "comments", "commented", "commenting", "verify", "verified", "speculate"}
)
# … and "confirm" after "can" or "could" ("cannot confirm the reports"): a Senate that
# "should not confirm" a nominee, or one who "will not be confirmed", is another matter.
_CONFIRM = frozenset({"confirm", "confirmed"})
# Words that may come between the negation and such a verb.
_BETWEEN = frozenset(
    {"be", "been", "immediately", "publicly", "independently", "yet", "officially", "directly"}
)


def _withholds(tokens: list[str], k: int) -> bool:
    """Whether the negation at ``tokens[k]`` withholds comment or confirmation."""
    j = k + 1
    while j < len(tokens) and j - k <= 2 and tokens[j] in _BETWEEN:
        j += 1
    if j >= len(tokens):
        return False
    if tokens[j] in _WITHHOLD:
        return True
    return tokens[j] in _CONFIRM and (
        tokens[k] == "cannot" or (k > 0 and tokens[k - 1] in ("can", "could"))
    )


# Verbs of opinion a negation makes the negation of what follows: "I don't think it's absurd".
_OPINION = frozenset({"think", "believe", "consider", "find", "say", "call"})


def _negated_dismissal(tokens: list[str], words: _Words) -> bool:
    """Whether the sentence's first dismissal word is negated: a negation just before it ("is
    not ridiculous", "isn't a ridiculous idea") or before a verb of opinion ahead of it ("I
    don't think this is a ridiculous idea")."""
    i = next(k for k, t in enumerate(tokens) if t in words.dismissal)
    if set(tokens[max(0, i - 3) : i]) & words.negation:
        return True
    return any(
        tokens[k] in words.negation and tokens[k + 1] in _OPINION for k in range(max(0, i - 1))
    )


_NOT_VERBS = _DETERMINERS | {"his", "her", "their", "its", "our", "my", "your", "date"}


# Words after an opening "never" that make it an inversion ("Never has a president …", "Never
# before …"), not an order.
_AUXILIARIES = frozenset(
    {"has", "have", "had", "is", "are", "was", "were", "did", "does", "do", "will", "would",
     "can", "could", "should", "shall", "may", "might", "must", "before"}
)  # fmt: skip


_CAPITAL_FIRST = re.compile(r"[\W_]*[A-Z]")


def _directive(tokens: list[str], words: _Words, sentence: str = "") -> bool:
    """Whether a content is an infinitive ("to leave the city", "never to speak of it") or a
    negative order opening its first ``sentence`` ("Don't say 'Merry Christmas!'", "Do not let
    the perfect be the enemy of the good", "Never utter these words"; not a clause cut from
    "they said they | don't know"), not a proposition ("to the contrary, …" is none)."""
    if _CAPITAL_FIRST.match(sentence):
        if tokens[:2] in (["do", "n't"], ["do", "not"]):
            return True
        if tokens[:1] == ["never"] and len(tokens) > 1 and tokens[1] not in _AUXILIARIES:
            return tokens[1] != "to" or (len(tokens) > 2 and tokens[2] not in _NOT_VERBS)
    k = 1 if tokens[:1] and tokens[0] in words.negation else 0
    return tokens[k : k + 1] == ["to"] and k + 1 < len(tokens) and tokens[k + 1] not in _NOT_VERBS


def _characterises(tokens: list[str]) -> bool:
    """Whether a denied content only characterises someone or something ("dismissed Estonia
    as being in the suburbs of St. Petersburg"), denying no claim or material: "dismissed the
    reports as fake" and "dismissed the pictures as a fabrication" deny. ``tokens`` has an "as"
    after its first word."""
    words = _words()
    head = tokens[: tokens.index("as", 1)]
    return not (set(head) & (words.claim | words.evidence) or set(tokens) & words.dismissal)


def _sentences(text: str) -> list[str]:
    """A content's sentences, a quotation's fragments joined as ``_NEW_SENTENCE_JOINT`` says."""
    return split_sentences(_NEW_SENTENCE_JOINT.sub("\\1\n", text), limit=_MAX_SENTENCES)


def _content_polarity(
    text: str, *, denied: bool = False, opening: Sequence[str] = (), negated: bool | None = None
) -> tuple[int, str, bool]:
    """Sign, why, and whether a negative sign is an explicit denial (not only a negation).

    An explicit denial counts in any sentence of the content ("The coalition's mission is to
    defeat ISIS. Any claims to the contrary are ridiculous."), a plain negation only in the
    first, which says what the source asserts or denies: a long quotation goes on to other
    propositions ("… He would not have done that to a Mitt Romney."), whose negations are not
    the claim's. ``opening``: words of the cue after its verb, which may open the content's
    noun phrase ("published a batch of" | "aerial pictures showing …"). ``negated``: the
    parse's reading (``Content.negated``); False means the first clause's negations stand in
    subordinate clauses ("… because they wouldn't take part"), which negate nothing the
    source says."""
    words = _words()
    split = _sentences(text)
    sentences = [_words_of(s) for s in split]
    tokens = sentences[0]
    # Denying material ("the Pentagon dismissed the pictures") is still a denial.
    shown = None if denied else _names_evidence([*opening, *tokens])
    if shown is not None:
        return 0, f"names evidence ({shown})", False
    if _directive(tokens, words, split[0]):
        # What the source was told or asked to do ("ordered staff never to speak of the
        # emails"): a directive, no proposition to assert or deny.
        return 0, "a directive", False
    dismissing = [t for t in sentences if set(t) & words.dismissal and set(t) & words.claim]
    if any(not _negated_dismissal(t, words) for t in dismissing):
        return -1, "dismisses claims", True
    if dismissing and dismissing[0] is tokens:
        # "I don't think this is a ridiculous idea": the idea is upheld.
        return 1, "negates a dismissal", False
    if any(set(t) & words.deny_forms for t in sentences):
        return -1, "reports a denial", True
    clause = _words_of(_BUT.split(split[0], maxsplit=1)[0])
    # ("There is no doubt that …", "not only … but …": the negation asserts.)
    negations = [
        k
        for k, t in enumerate(clause)
        if t in words.negation and tuple(clause[k : k + 2]) not in words.idioms
    ]
    if any(_withholds(clause, k) for k in negations):
        # "did not comment on rumors", "we cannot confirm these reports": no proposition
        # denied, the source only will not say (nor does "declined to comment" assert one).
        return 0, "will not comment or confirm", False
    if negations and negated is False:
        return 1, "asserts (its negation is in a subordinate clause)", False
    if negations:
        return -1, "negated", False
    return 1, "asserts", False


def _parts(text: str) -> list[str]:
    """A content's sentences, each cut at its "but" and second that-clause (``_BUT``)."""
    return [p for sentence in _sentences(text) for p in _BUT.split(sentence) if p.strip()]


def _matched_part_asserts(negated: Claim, other: Claim) -> bool:
    """Whether the part of a negated content that says what ``other`` says is not the part
    its negation stands in, and asserts: '"He feels he will never die." … "Therefore, he feels
    it's a stupid idea."' beside "Therefore, he feels it's a stupid idea"; "there wasn't
    anything about Bieber's music …, but 'sometimes a sharp shock can stop an angry bear'"
    beside the expert's "a sharp shock can stop an angry bear"."""
    parts = _parts(negated.content.text)
    if len(parts) < 2:
        return False

    def long_words(text: str) -> set[str]:
        return {w for w in _words_of(text) if len(w) > 3}

    theirs = long_words(other.content.text)
    shared = [len(theirs & long_words(p)) for p in parts]
    best = max(range(len(parts)), key=shared.__getitem__)
    if best == 0 or shared[best] <= shared[0]:
        return False
    return _content_polarity(parts[best])[0] > 0


# A correction after the assertion: "will cost $950, not $5,000", "the Russians broached the
# idea, not Kushner" — the clause asserts, and denies only the corrected item.
_NOT_X = re.compile(
    r",\s+(?:and\s+)?not\s+((?:[^,;:.!?]|(?<=\d)[,.](?=\d))+?)[\s\"”'’.]*$", re.IGNORECASE
)
_CORRECTED_WORDS = 5  # longest corrected item read so


def _terms(text: str) -> set[str]:
    """Numbers whole ("5,000") and words of three letters or more, lower-cased."""
    return set(re.findall(r"\d+(?:[,.]\d+)*|[^\W\d_]{3,}", text.lower()))


def _corrects_another_item(negated: Claim, other: Claim) -> bool:
    """Whether the negation of ``negated`` is only a correction (", not X" closing its first
    sentence, the rest asserting) of an item ``other`` does not name: "will cost $950, not
    $5,000" beside "priced at $950" is no contradiction; "the Russians broached the idea,
    not Kushner" beside "Kushner proposed the channel" is."""
    first = _sentences(negated.content.text)[0]
    found = _NOT_X.search(first)
    if found is None or len(found[1].split()) > _CORRECTED_WORDS:
        return False
    if _content_polarity(first[: found.start()])[0] <= 0:
        return False
    return not (_terms(found[1]) & _terms(other.content.text))


def polarity(claim: Claim) -> tuple[int, str]:
    """+1 (asserts the content), -1 (denies it) or 0 (not committed), and why."""
    sign, why, _ = _polarity(*_read(claim))
    return sign, why


def denies(claim: Claim) -> bool:
    """Whether the claim denies explicitly: a deny cue, or a content that dismisses claims
    or reports a denial. A "not" somewhere in a long quote is a negation, not a denial."""
    return _polarity(*_read(claim))[2]


def _read(claim: Claim) -> tuple[str, str, str, bool | None, str]:
    """What a claim's polarity depends on: cue, cue class, content, the parse's reading of
    the content's negation, and the source's first word."""
    s, c = claim.source, claim.content
    first = _words_of(s.text)[:1] if s is not None else []
    return claim.cue.text, claim.cue.cls, c.text, c.negated, first[0] if first else ""


# Linking asks for the polarity of each claim once per pair it is in (a claim of a big
# cluster is in hundreds): remembered by what it depends on.
@lru_cache(maxsize=1 << 16)
def _polarity(
    cue: str, cls: str, content: str, negated: bool | None = None, source: str = ""
) -> tuple[int, str, bool]:
    # A negated source ("No one", "Neither company", "none of the videos", "Not everyone")
    # says nothing, as a negated cue does: "no experimental evidence has ever linked X to Y"
    # is no claim that X is linked to Y.
    if source in _words().negation:
        return 0, f"negated source ({source!r} …)", False
    cue_words = _words_of(cue)
    if cls == "other" and set(cue_words) & _words().negation:
        return 0, f"negated cue {cue!r}", False
    # "dismissed X as Y": a denial that characterises X, or repeats itself in Y's words
    denied_words = _words_of(content) if cls == "deny" else []
    content_as = "as" in denied_words[1:]
    if content_as and _characterises(denied_words):
        return 0, f"deny cue {cue!r}, content characterises", False
    sign, why, explicit = _content_polarity(
        content, denied=cls == "deny", opening=cue_words[1:], negated=negated
    )
    if sign == 0:
        return 0, f"{cls} cue, content {why}", False
    if cls == "deny":
        if sign < 0 and content_as:
            # "dismissed the reports as fake news": the content's words repeat the denial.
            return -1, f"deny cue {cue!r}, content {why}", True
        # Denying a negation asserts ("denied that it had not paid"); denying an assertion
        # is an explicit denial.
        return -sign, f"deny cue {cue!r}" + ("" if sign > 0 else f", content {why}"), sign > 0
    return sign, f"{cls} cue, content {why}", explicit


def side(claim: Claim) -> str | None:
    """Who stands behind a claim: the source's entity, else the organisation it speaks for,
    else its name; None for a claim without a source (the outlet's own narration)."""
    s = claim.source
    if s is None or claim.kind == "narrative":
        return None
    return s.entity_id or (s.affiliation or s.resolved or s.text).casefold()


def _with_wholes(entity_id: str | None) -> set[str]:
    """An entity and what it is part of (the Pentagon and the United States)."""
    if not entity_id:
        return set()
    from claimgraph.nlp.entities import alias_table

    return {entity_id, *alias_table().ancestors(entity_id)}


def _answers(denial: Claim, claim: Claim) -> str | None:
    """Whether an explicit denial answers ``claim`` (a claim on another topic level than a
    repetition): the accused denies (the denier, or what it is part of, is what the claim is
    about: the Pentagon denies "the US supports terrorists"), or the denial rebuts the
    claim's source ("de Blasio rejected criticism from Trump" answers Trump). A denial that
    only shares a topic with the claim ("Netanyahu rejects Trump's remarks" and "Khan said
    Trump's view of Islam is ignorant") answers neither: both are against Trump."""
    targets = {t.entity_id for t in claim.targets}
    denier = denial.source.entity_id if denial.source is not None else None
    speaker = claim.source.entity_id if claim.source is not None else None
    # Who answers whom needs both sides known: an unresolved "he" or "they" answers nobody.
    if not (denier and speaker):
        return None
    if _with_wholes(denier) & targets:
        return "the accused denies"
    if speaker in {t.entity_id for t in denial.targets}:
        return "rebuts the source"
    return None


def relate(
    a: Claim, b: Claim, *, stance: str | None = None, same_proposition: bool = True
) -> Relation:
    """The relation of two claims already judged to be about the same proposition.

    A contradiction needs two sides: both claims attributed, to different sources (a
    spokesperson and the ministry it speaks for are one side), one asserting and the other
    denying. ``stance`` is the stance model's label for the pair (agree | disagree |
    discuss | unrelated), when one was asked.

    ``same_proposition=False`` is for two claims that are only on the same topic (a shared
    target entity, vectors further apart than a repetition's): then only an explicit denial
    (``denies``) that answers the other claim (``_answers``: by the accused, or rebutting
    its source) is a contradiction, and everything else is ``unrelated``.
    On PolNeAR, letting any negation or the stance model's "disagree" through at topic
    level made 5,264 "contradictions" in 924 articles, nearly all two politicians saying
    different things about Trump.
    """
    # (each claim read once: its sign, why, and whether it denies explicitly, ``denies``)
    pa, why_a, denies_a = _polarity(*_read(a))
    pb, why_b, denies_b = _polarity(*_read(b))
    side_a, side_b = side(a), side(b)
    two_sides = side_a is not None and side_b is not None and side_a != side_b
    if not same_proposition:
        for denial, claim, p_denial, p_claim, explicit in (
            (a, b, pa, pb, denies_a),
            (b, a, pb, pa, denies_b),
        ):
            if (
                two_sides
                and p_denial < 0 < p_claim
                and explicit
                and (why := _answers(denial, claim))
            ):
                return Relation("contradict", f"{why_a} vs {why_b}; {why}")
        return Relation("unrelated", "same topic, no denial that answers the other")
    if pa * pb < 0 and two_sides:
        negated, other, explicit = (a, b, denies_a) if pa < 0 else (b, a, denies_b)
        if not explicit:
            if _matched_part_asserts(negated, other):
                # (a plain negation elsewhere in the content is not what the other claim says)
                return Relation("discuss", f"{why_a} vs {why_b}; the matching part asserts")
            if _corrects_another_item(negated, other):
                return Relation("discuss", f"{why_a} vs {why_b}; ', not X' corrects another item")
        return Relation("contradict", f"{why_a} vs {why_b}")
    if pa == 0 or pb == 0:
        rule = Relation("discuss", f"{why_a} vs {why_b}")
    elif pa * pb < 0:
        rule = Relation("discuss", f"one side both asserts and denies ({why_a} vs {why_b})")
    elif a.hedged or b.hedged:
        rule = Relation("discuss", "hedged: " + ("both" if a.hedged and b.hedged else "one side"))
    else:
        rule = Relation("agree", "same polarity")
    if stance is None:
        return rule
    # The model's doubt about an agreement makes it a discussion; its "disagree" makes no
    # contradiction of its own: on stories it has not seen it finds few (disagree F1 4.0 with
    # folds by story), and on the FNC-1 bodies 5 of the 6 it made were two studies agreeing
    # ("no link between saturated fat and heart disease" / "does not raise the risk").
    # (Its disagreement between two claims of one side is no doubt: a source does not
    # disagree with itself.)
    model = _FROM_STANCE.get(stance)
    if rule.relation == "agree" and (model == "discuss" or (model == "contradict" and two_sides)):
        return Relation("discuss", f"stance model: {stance} ({rule.reason})")
    return rule


def relate_many(
    pairs: Sequence[tuple[Claim, Claim]],
    *,
    stance: StanceFn | None = None,
    same_proposition: Sequence[bool] | None = None,
) -> list[Relation]:
    """``relate`` over many pairs, asking the stance model once for all of them (only for
    the pairs about the same proposition: the model is not asked about topic-level pairs)."""
    same = list(same_proposition) if same_proposition is not None else [True] * len(pairs)
    labels: list[str | None] = [None] * len(pairs)
    asked = [i for i, s in enumerate(same) if s]
    if stance is not None and asked:
        found = stance([(pairs[i][0].content.text, pairs[i][1].content.text) for i in asked])
        for i, label in zip(asked, found, strict=True):
            labels[i] = label
    return [
        relate(a, b, stance=label, same_proposition=s)
        for (a, b), label, s in zip(pairs, labels, same, strict=True)
    ]


def load_stance() -> StanceFn | None:
    """The trained stance model's ``predict_stance``, or None when it is not available
    (``claimgraph.link.stance`` missing or without a trained model)."""
    try:
        from claimgraph.link import stance as stance_module

        # Loaded here, so that a missing or stale model shows now, not halfway through a run.
        stance_module.load_stance_model()
    except Exception:  # any failure means: no model to ask, the rules decide alone
        return None
    predict = getattr(stance_module, "predict_stance", None)
    if predict is None:
        return None

    def labels(pairs: list[tuple[str, str]]) -> list[str]:
        result = predict(pairs)
        # The model may give (labels, probabilities); only the labels are used here.
        if isinstance(result, tuple):
            result = result[0]
        return [str(label) for label in result]

    return labels
