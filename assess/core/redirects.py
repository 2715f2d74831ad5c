"""Where a ``next`` parameter may send the user: only back to this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None  # browsers read "/\evil.com" as "//evil.com"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
