"""Write claims as brat standoff (``.ann``), the format PolNeAR ships and brat displays.

Each claim becomes up to three text-bound annotations typed ``Source``, ``Cue`` and
``Content`` (a discontinuous content is written ``"s1 e1;s2 e2"``) and one event line::

    T1	Source 10 17	Pentagon
    T2	Cue 18 22	said
    T3	Content 23 60	that the claims were ridiculous
    E1	Attribution:T2 Source:T1 Cue:T2 Content:T3

The cue doubles as the event trigger; ``Source:`` is left out when the claim has none.
Offsets index into the original file: ``offset`` (``Document.offset``, the length of any
header before the stored text) is added to every span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from claimgraph.records import Claim, Document

Fragments = tuple[tuple[int, int], ...]

# brat files are read line by line (Python readers use str.splitlines, which also breaks on
# \v, \f, \x1c-\x1e, \x85, \u2028, \u2029) and split on tabs, so none of these may survive in
# the text column. Each is replaced by one space so the column keeps the span's length.
_UNSAFE = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Content.text joins the fragments of a discontinuous content with this separator.
_FRAGMENT_JOINER = " … "


def _clean(text: str) -> str:
    return _UNSAFE.sub(" ", text)


def _fragment_texts(claim: Claim, text: str | None) -> list[str]:
    """The text of each content fragment, cut from ``text`` when the caller has it."""
    frags = claim.content.fragments
    if text is not None:
        return [text[s:e] for s, e in sorted(frags)]
    pieces = claim.content.text.split(_FRAGMENT_JOINER)
    # A fragment that itself contains " … " makes the split ambiguous; keep the whole text.
    return pieces if len(pieces) == len(frags) else [claim.content.text]


def claims_to_brat(claims: Iterable[Claim], offset: int = 0, *, text: str | None = None) -> str:
    """Render ``claims`` as the content of one ``.ann`` file.

    ``offset`` is added to every character offset (pass ``Document.offset`` so the spans
    index into the original file). ``text`` is the document text the claims index into;
    when given, the text column of a discontinuous content is cut from it fragment by
    fragment (brat's convention: fragments joined by a space), otherwise it is rebuilt from
    ``Content.text``. Identical spans of one type share one ``T`` id. Narrative records (the
    outlet's own reports) are not attributions and are left out.
    """
    claims = [c for c in claims if c.kind != "narrative"]
    lines: list[str] = []
    ids: dict[tuple[str, Fragments], str] = {}

    def tid(kind: str, frags: Fragments, surface: str) -> str:
        key = (kind, frags)
        if key not in ids:
            ids[key] = f"T{len(ids) + 1}"
            where = ";".join(f"{s + offset} {e + offset}" for s, e in frags)
            lines.append(f"{ids[key]}\t{kind} {where}\t{_clean(surface)}")
        return ids[key]

    for n_events, claim in enumerate(claims, start=1):
        cue = tid("Cue", ((claim.cue.start, claim.cue.end),), claim.cue.text)
        args = [f"Attribution:{cue}"]
        if claim.source is not None:
            src = claim.source
            args.append(f"Source:{tid('Source', ((src.start, src.end),), src.text)}")
        args.append(f"Cue:{cue}")
        if claim.content.fragments:
            frags = tuple(sorted(claim.content.fragments))
            surface = " ".join(_fragment_texts(claim, text))
            args.append(f"Content:{tid('Content', frags, surface)}")
        lines.append(f"E{n_events}\t{' '.join(args)}")
    return "".join(line + "\n" for line in lines)


def document_to_brat(document: Document, claims: Iterable[Claim]) -> str:
    """``claims_to_brat`` with the document's offset and text."""
    return claims_to_brat(claims, document.offset, text=document.text)


def write_ann(path: Path, document: Document, claims: Iterable[Claim]) -> None:
    """Write the ``.ann`` file of one document (UTF-8, ``\\n`` line ends)."""
    Path(path).write_text(document_to_brat(document, claims), encoding="utf-8", newline="\n")
