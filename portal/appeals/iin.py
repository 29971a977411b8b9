"""Kazakhstan individual identification number (ЖСН / ИИН): format and check digit."""

from __future__ import annotations

#: Weights of the first pass, then of the second pass used when the first gives 10.
_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first11: str) -> int | None:
    """The 12th digit for 11 leading digits, or None when no digit is valid (both passes 10)."""
    digits = [int(c) for c in first11]
    for weights in (_FIRST, _SECOND):
        rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if rest != 10:
            return rest
    return None


def is_valid_iin(value: str) -> bool:
    """Twelve digits whose last is the check digit of the first eleven."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return check_digit(value[:11]) == int(value[11])


def normalize_iin(value: str | None) -> str:
    """Digits only (operators paste IINs with spaces or dashes)."""
    return "".join(ch for ch in (value or "") if ch.isdigit())
