"""The error record ingest yields for input it cannot turn into a ``Document``.

Ingest never raises for bad input: a bad file or record becomes an ``IngestError`` in the
stream, the caller prints and counts it, and the rest of the input goes on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngestError:
    """One input that could not be read.

    ``origin`` names the file, or the file and line for a JSONL/CSV record
    (``"feeds/day1.jsonl:12"``); ``reason`` says what is wrong and, where it helps, what to do.
    """

    origin: str
    reason: str

    def __str__(self) -> str:
        # One line, whatever the reason text contains, so logs stay one error per line.
        reason = " ".join(self.reason.split())
        return f"{self.origin}: {reason}"
