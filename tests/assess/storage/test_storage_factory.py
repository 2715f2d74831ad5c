"""get_storage builds the storage from STORAGE_URL; other schemes are a configuration error."""

from __future__ import annotations

import pytest

from assess.storage import LocalStorage, StorageConfigError, get_storage
from assess.storage.factory import storage_from_url


def test_file_url_gives_local_storage(app, tmp_path):
    storage = get_storage(app)

    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "instance" / "files"
    assert get_storage(app) is storage  # built once per app


def test_percent_encoded_path(tmp_path):
    storage = storage_from_url(f"file://{tmp_path}/mes%20fichiers")
    assert storage.root == tmp_path / "mes fichiers"


@pytest.mark.parametrize("url", [
    "s3://bucket/prefix", "https://example.test/files", "file://relative/path",
    "file:relative", "", None,
])
def test_unsupported_urls_name_the_setting(url):
    with pytest.raises(StorageConfigError, match="STORAGE_URL"):
        storage_from_url(url)
