from __future__ import annotations

from pathlib import Path

from claimgraph.ingest import IngestError
from claimgraph.ingest.decode import check_bytes, decode_text


def test_decodes_like_open_in_text_mode(tmp_path: Path) -> None:
    data = "\ufeffHe said: “yes”.\r\nShe said: ‘no’.\rEnd\n".encode()
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    with open(path, encoding="utf-8") as fh:
        expected = fh.read()
    assert decode_text(data, "a.txt") == expected == "\ufeffHe said: “yes”.\nShe said: ‘no’.\nEnd\n"


def test_reports_the_first_bad_byte() -> None:
    data = "Café".encode() + b" \xff\xfe rest"
    assert decode_text(data, "a.txt") == IngestError(
        "a.txt", "not valid UTF-8 at byte 6 (0xff); re-save the file as UTF-8"
    )


def test_truncated_multibyte_character() -> None:
    error = check_bytes(b"The minister said \xe2\x80", "a.txt")
    assert error == IngestError(
        "a.txt", "not valid UTF-8 at byte 18 (0xe2 80); re-save the file as UTF-8"
    )


def test_binary_utf16_and_empty() -> None:
    assert check_bytes(b"", "a") == IngestError("a", "empty file")
    assert check_bytes(b"PK\x03\x04\x00\x00", "a") == IngestError(
        "a", "binary file (NUL byte at byte 4); expected UTF-8 text"
    )
    assert check_bytes("The minister".encode("utf-16"), "a") == IngestError(
        "a", "file is UTF-16 encoded; re-save it as UTF-8"
    )
    assert check_bytes(b"plain text", "a") is None
