"""Build the configured storage from ``STORAGE_URL``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import Flask, current_app

from .base import Storage, StorageConfigError
from .local import LocalStorage

EXTENSION_KEY = "assess.storage"
# Read from the app configuration, else from the environment.
S3_SETTINGS = ("S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
               "AWS_DEFAULT_REGION")
DEFAULT_REGION = "eu-west-3"


def storage_from_url(url: str | None, settings: Mapping | None = None) -> Storage:
    """``settings`` (the app configuration) gives the S3 endpoint and credentials."""
    if not url:
        raise StorageConfigError("STORAGE_URL is not set: use file:///absolute/path.")
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        return _s3_storage(url, parsed.netloc, unquote(parsed.path), settings or {})
    if parsed.scheme != "file":
        raise StorageConfigError(
            f"STORAGE_URL scheme {parsed.scheme!r} is not supported: "
            "use file:///absolute/path or s3://bucket/prefix."
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
    signature = (url, *(_setting(app.config, name) for name in S3_SETTINGS))
    cached = app.extensions.get(EXTENSION_KEY)
    if cached is None or cached[0] != signature:
        cached = (signature, storage_from_url(url, app.config))
        app.extensions[EXTENSION_KEY] = cached
    return cached[1]


def _s3_storage(url: str, bucket: str, prefix: str, settings: Mapping) -> Storage:
    if not bucket:
        raise StorageConfigError(
            f"STORAGE_URL {url!r} names no bucket: use s3://bucket or s3://bucket/prefix.")
    try:
        import boto3
        from botocore.config import Config as BotoConfig
    except ImportError as exc:  # a dependency of the project; missing only from a broken venv
        raise StorageConfigError(f"STORAGE_URL {url!r} needs boto3: {exc}") from exc
    from .s3 import S3Storage

    endpoint = _setting(settings, "S3_ENDPOINT_URL")
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=_setting(settings, "AWS_DEFAULT_REGION") or DEFAULT_REGION,
        # Unset: boto3's own chain (shared files, instance role...).
        aws_access_key_id=_setting(settings, "AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=_setting(settings, "AWS_SECRET_ACCESS_KEY"),
        # MinIO and moto serve buckets as paths, not as host names.
        config=BotoConfig(s3={"addressing_style": "path"}) if endpoint else None,
    )
    return S3Storage(bucket, prefix, client)


def _setting(settings: Mapping, name: str) -> str | None:
    value = settings.get(name)
    if value in (None, ""):
        value = os.environ.get(name)
    return value if value not in (None, "") else None
