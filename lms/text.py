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


def mask_identifier(value: str) -> str:
    """An ID code for people who need to tell learners apart, not to know the code:
    "079123456771" -> "0791******71"; values too short to keep anything are masked whole."""
    value = value or ""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
