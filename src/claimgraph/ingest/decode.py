"""Turn the bytes of an input file into text exactly as ``open(path, encoding="utf-8")`` would.

Offsets into a stored document must map back to the file as other tools read it (the PolNeAR
scorer opens files in text mode with universal newlines), so decoding is strict UTF-8 with
universal newlines and nothing else. Bytes that are not UTF-8 are reported with their
position, never guessed at: a wrong guess would silently corrupt names and quotes.
"""

from __future__ import annotations

import codecs
import io

from claimgraph.ingest.errors import IngestError

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def check_bytes(data: bytes, origin: str) -> IngestError | None:
    """Return why ``data`` is not a UTF-8 text file (empty, UTF-16, binary, bad bytes)."""
    if not data:
        return IngestError(origin, "empty file")
    if data.startswith(UTF16_BOMS):
        return IngestError(origin, "file is UTF-16 encoded; re-save it as UTF-8")
    nul = data.find(b"\0")
    if nul >= 0:
        return IngestError(origin, f"binary file (NUL byte at byte {nul}); expected UTF-8 text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return IngestError(origin, utf8_reason(exc, data))
    return None


def utf8_reason(exc: UnicodeDecodeError, data: bytes, base: int = 0) -> str:
    """Say where ``data`` stops being UTF-8; ``base`` is the position of ``data`` in the file."""
    bad = data[exc.start : min(exc.end, exc.start + 4)].hex(" ")
    return f"not valid UTF-8 at byte {base + exc.start} (0x{bad}); re-save the file as UTF-8"


def decode_text(data: bytes, origin: str) -> str | IngestError:
    """Decode a whole text file, or say why it cannot be decoded."""
    error = check_bytes(data, origin)
    if error is not None:
        return error
    # The same decoder and newline translation as open(path, encoding="utf-8").read().
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()
