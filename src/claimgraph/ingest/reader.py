"""Read every input a user names (files, folders, standard input) as ``Document`` records.

``read_inputs`` is the one entry point: it yields a ``Document`` per article and an
``IngestError`` per input it cannot read, in input order (folders in sorted path order), and
never raises for bad input, so one broken file costs one line in the report.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from claimgraph.ingest.decode import decode_text
from claimgraph.ingest.errors import IngestError
from claimgraph.ingest.html import read_html
from claimgraph.ingest.tabular import read_csv, read_jsonl, read_jsonl_text
from claimgraph.ingest.text import parse_txt
from claimgraph.records import Document

STDIN = "-"
STDIN_ORIGIN = "<stdin>"
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".html": "html",
    ".htm": "html",
}

Result = Document | IngestError


def read_inputs(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    stdin: TextIO | None = None,
    outputs: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[Result]:
    """Yield a ``Document`` or an ``IngestError`` for everything in ``paths``.

    A path may be a file (.txt, .jsonl/.ndjson, .csv/.tsv, .html/.htm), a folder (read
    recursively, hidden files skipped) or ``"-"`` for standard input (``stdin`` when given,
    else ``sys.stdin``), read as JSONL when it starts with ``{`` and as one text otherwise.
    ``outputs`` are what the run writes (a database, a JSONL file, a brat folder): a folder
    being read skips them, and a database's SQLite side files, rather than reading the run's
    own output back in.

    >>> for item in read_inputs(["articles/", "feed.jsonl"]):  # doctest: +SKIP
    ...     print(item) if isinstance(item, IngestError) else store.add(item)
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    skip = frozenset(Path(str(out) + side).resolve() for out in outputs for side in _SIDE_FILES)
    for path in paths:
        if str(path) == STDIN:
            yield from read_stdin(stdin)
        else:
            yield from read_path(Path(path), skip)


# What a written file brings along: SQLite's journal files beside a database.
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def read_path(path: Path, skip: frozenset[Path] = frozenset()) -> Iterator[Result]:
    """Read one file or folder (``skip``: absolute paths a folder's walk leaves out)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        yield IngestError(str(path), "no such file or directory")
        return
    except OSError as exc:
        yield IngestError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISDIR(mode):
        yield from read_directory(path, skip)
    else:
        yield from read_file(path)


def read_directory(root: Path, skip: frozenset[Path] = frozenset()) -> Iterator[Result]:
    """Read every file under ``root`` in sorted path order, skipping hidden files and folders
    (and the paths in ``skip``: the run's own output).

    Files of an unknown type each give an "unsupported file type" error, so nothing in the
    folder is skipped without the user hearing about it.
    """
    problems: list[OSError] = []
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=problems.append):
        dirnames[:] = [
            name
            for name in dirnames
            if not name.startswith(".") and Path(dirpath, name).resolve() not in skip
        ]
        files.extend(
            Path(dirpath, name)
            for name in filenames
            if not name.startswith(".") and Path(dirpath, name).resolve() not in skip
        )
    for problem in problems:
        where = str(problem.filename or root)
        yield IngestError(where, f"cannot read folder: {problem.strerror or problem}")
    if not files and not problems:
        yield IngestError(str(root), "folder contains no input files")
    for path in sorted(files, key=lambda p: p.relative_to(root).parts):
        yield from read_file(path)


def read_file(path: Path) -> Iterator[Result]:
    """Read one file, choosing the reader by its extension."""
    origin = str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        yield IngestError(
            origin, f"unsupported file type {path.suffix or '(none)'!r} (known: {known})"
        )
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield IngestError(origin, f"cannot read: {exc.strerror or exc}")
        return
    if fmt == "txt":
        raw = decode_text(data, origin)
        yield raw if isinstance(raw, IngestError) else parse_txt(raw, origin)
    elif fmt == "jsonl":
        yield from read_jsonl(data, origin)
    elif fmt in ("csv", "tsv"):
        yield from read_csv(data, origin, delimiter="\t" if fmt == "tsv" else ",")
    else:
        yield read_html(data, origin)


def read_stdin(stdin: TextIO | None = None) -> Iterator[Result]:
    """Read standard input: JSONL when its first non-space character is ``{``, else one text."""
    origin = STDIN_ORIGIN
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        yield IngestError(origin, "no standard input")
        return
    # The real stdin is read as bytes so it is decoded exactly like a file.
    buffer = getattr(stream, "buffer", None) if stdin is None else None
    try:
        content: bytes | str = buffer.read() if buffer is not None else stream.read()
    except UnicodeDecodeError as exc:
        yield IngestError(origin, f"not valid UTF-8 ({exc.reason}); re-encode the input as UTF-8")
        return
    except (OSError, ValueError) as exc:
        yield IngestError(origin, f"cannot read standard input: {exc}")
        return
    if isinstance(content, bytes):
        if content.lstrip().startswith(b"{"):
            yield from read_jsonl(content, origin)
            return
        raw = decode_text(content, origin)
        yield raw if isinstance(raw, IngestError) else parse_txt(raw, origin)
        return
    if content.lstrip().startswith("{"):
        yield from read_jsonl_text(content, origin)
    elif "\0" in content:
        yield IngestError(origin, "binary input (NUL character); expected UTF-8 text")
    else:
        yield parse_txt(content, origin)
