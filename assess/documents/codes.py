"""Verification codes: 24 characters of Crockford's base 32 (120 random bits), shown in
groups of four. A code read from a URL is normalised (case, spaces, hyphens, the letters
a person may type for 0 and 1) and refused unless it has the exact shape, before any
look-up: a truncated, forged or SQL-shaped code is simply unknown."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U
LENGTH = 24
_SHAPE = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str | None) -> str | None:
    """The code ``text`` stands for, or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 2 * LENGTH:
        return None
    code = _SEPARATORS.sub("", text).upper().translate(_TYPED)
    return code if _SHAPE.match(code) else None


def grouped(code: str) -> str:
    """``ABCD-EFGH-…``, as printed on the document."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
