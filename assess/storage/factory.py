"""Build the configured storage from ``STORAGE_URL``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import Flask, current_app

from .base import Storage, StorageConfigError
from .local import LocalStorage

EXTENSION_KEY = "assess.storage"


def storage_from_url(url: str | None) -> Storage:
    if not url:
        raise StorageConfigError("STORAGE_URL is not set: use file:///absolute/path.")
    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise StorageConfigError(
            f"STORAGE_URL scheme {parsed.scheme!r} is not supported: "
            "use file:///absolute/path (S3-compatible storage is not available yet)."
        )
    path = unquote(parsed.path)
    if parsed.netloc not in ("", "localhost") or not Path(path).is_absolute():
        raise StorageConfigError(
            f"STORAGE_URL {url!r} must name an absolute local path, e.g. file:///srv/assess/files."
        )
    return LocalStorage(path)


def get_storage(app: Flask | None = None) -> Storage:
    """The app's storage, built once per app from its configuration."""
    app = app or current_app._get_current_object()
    url = app.config.get("STORAGE_URL")
    cached = app.extensions.get(EXTENSION_KEY)
    if cached is None or cached[0] != url:
        cached = (url, storage_from_url(url))
        app.extensions[EXTENSION_KEY] = cached
    return cached[1]
