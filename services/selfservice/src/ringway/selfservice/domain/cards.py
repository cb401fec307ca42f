"""Card data must never enter: find card numbers (Luhn-valid digit runs) and CVV fields."""

from __future__ import annotations

import re

# 13-19 digits, optionally grouped by single spaces or dashes, as people type them.
_DIGIT_RUN = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_CARD_KEYS = re.compile(
    r"^(cvv2?|cvc2?|cid|csc|security_?code|card_?number|cardnumber|pan|card_?no|ccn)$",
    re.IGNORECASE)
# Validated as what they are elsewhere; a long phone number may pass Luhn by chance.
_EXEMPT_KEYS = frozenset({"phone", "password"})


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn check (as every card number does)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def contains_card_number(text: str) -> bool:
    """True when the text carries a 13-19 digit Luhn-valid number."""
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


def card_fields(payload: object) -> list[str]:
    """Paths of every field that is named like card data or holds a card number."""
    found: list[str] = []
    _walk(payload, "", found)
    return found


def _walk(value: object, path: str, found: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if _CARD_KEYS.match(str(key)) or contains_card_number(str(key)):
                found.append(child)
            elif str(key) not in _EXEMPT_KEYS:
                _walk(item, child, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", found)
    elif isinstance(value, str | int) and contains_card_number(str(value)):
        found.append(path or "body")
