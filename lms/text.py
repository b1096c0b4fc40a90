"""Vietnamese text helpers shared by every app (imports no app).

``nfc`` makes composed and decomposed input the same string; ``fold`` gives a
diacritics- and case-insensitive key ("Chuyển đổi số" -> "chuyen doi so").
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """NFC-normalise and collapse runs of whitespace."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """A comparison key without diacritics or case; đ folds to d."""
    decomposed = unicodedata.normalize("NFD", nfc(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()
