"""Quote pairing (work in progress)."""
from __future__ import annotations
def find_quotes(text: str) -> list[tuple[int, int]]:
    return []
