"""The ceiling of everything after the attribution tagger, on a PolNeAR split.

Each article's gold BIO tags (as ``claimgraph train polnear`` builds them from the first
annotator's file) take the place of the taggers' probabilities, and the default pipeline's
model path runs as usual on them — cues paired with contents, sources parsed, the content
pointer, quotations continued — scored as ``claimgraph eval polnear`` scores. What the
shipped model scores below this is what its taggers lose; what this scores below 100 is
what the rest of the pipeline loses with perfect tags. The README's figure on PolNeAR dev:

    python scripts/polnear_ceiling.py ../shared/data/polnear/dev [--no-pointer]

(``--no-pointer``: the tagged contents as they are, not re-decided by the pointer.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from claimgraph.eval import polnear
from claimgraph.eval.polnear_train import gold_tags
from claimgraph.nlp import tagger
from claimgraph.nlp.pipeline import build_nlp


def one_hot(tags: np.ndarray) -> np.ndarray:
    """Log-probabilities (tokens × roles × O/B/I) that are certain of ``tags``."""
    lp = np.full((*tags.shape, 3), -30.0, dtype=np.float32)
    np.put_along_axis(lp, tags[..., None].astype(np.int64), 0.0, axis=-1)
    return lp


@contextmanager
def gold_scores(
    gold: dict[str, list[polnear.Relation]], texts: dict[str, str], *, pointer: bool = True
) -> Iterator[None]:
    """Within the block, the tagger decodes the gold tags of the article whose text it reads
    (``texts``: text → stem) instead of its own probabilities; without ``pointer``, the
    contents stay as tagged."""
    run, scores, refine = tagger.run_tagger, tagger.log_probs, tagger.refine_contents
    pending: list[list[np.ndarray]] = []

    def run_gold(docs: list[Any], path: str | None = None, policy: str = "model") -> None:
        # run_tagger scores the non-empty docs, in order, with one log_probs call
        pending.append(
            [
                one_hot(
                    gold_tags([t.idx for t in d], [t.idx + len(t) for t in d], gold[texts[d.text]])
                )
                for d in docs
                if len(d)
            ]
        )
        run(docs, path, policy)

    tagger.run_tagger = run_gold
    tagger.log_probs = lambda *_args, **_kwargs: pending.pop()
    if not pointer:
        tagger.refine_contents = lambda found, *_args: [d.attributions for d in found]
    try:
        yield
    finally:
        tagger.run_tagger, tagger.log_probs, tagger.refine_contents = run, scores, refine


def ceiling(split: str | Path, *, pointer: bool = True) -> dict[str, Any]:
    """The shared scorer's result for the gold tags decoded through the pipeline."""
    gold = polnear.load_gold(split)
    texts = {polnear.read_article(split, stem).text: stem for stem in gold}
    nlp = build_nlp(attribution="model")
    with gold_scores(gold, texts, pointer=pointer):
        pred = polnear.predict_polnear(split, list(gold), nlp=nlp)
    return polnear.score(gold, pred)


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--no-pointer"]
    if len(args) != 1 or not (Path(args[0]) / "attributions").is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    print(polnear.format_scores(ceiling(args[0], pointer="--no-pointer" not in argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
