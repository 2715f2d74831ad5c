"""get_storage builds the storage from STORAGE_URL; other schemes are a configuration error."""

from __future__ import annotations

import io

import pytest

from assess.storage import LocalStorage, StorageConfigError, get_storage
from assess.storage.factory import storage_from_url
from assess.storage.s3 import S3Storage

S3_SETTINGS = {"S3_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}


def test_file_url_gives_local_storage(app, tmp_path):
    storage = get_storage(app)

    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "instance" / "files"
    assert get_storage(app) is storage  # built once per app


def test_percent_encoded_path(tmp_path):
    storage = storage_from_url(f"file://{tmp_path}/mes%20fichiers")
    assert storage.root == tmp_path / "mes fichiers"


@pytest.mark.parametrize("url", [
    "https://example.test/files", "file://relative/path",
    "file:relative", "", None,
])
def test_unsupported_urls_name_the_setting(url):
    with pytest.raises(StorageConfigError, match="STORAGE_URL"):
        storage_from_url(url)


@pytest.mark.parametrize("url, bucket, prefix", [
    ("s3://bucket/prefix", "bucket", "prefix"),
    ("s3://assess-files/prod/uploads/", "assess-files", "prod/uploads"),
    ("s3://assess-files", "assess-files", ""),
])
def test_s3_url_gives_s3_storage(url, bucket, prefix):
    storage = storage_from_url(url, S3_SETTINGS)  # builds a client: no request is made

    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == (bucket, prefix)
    assert storage.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert storage.client.meta.region_name == "eu-west-1"


def test_s3_settings_come_from_the_environment_when_the_config_has_none(monkeypatch):
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://minio.internal:9000")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "from-env-secret")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)

    storage = storage_from_url("s3://bucket/prefix", {"S3_ENDPOINT_URL": None})

    assert storage.client.meta.endpoint_url == "http://minio.internal:9000"
    assert storage.client.meta.region_name == "eu-west-3"  # the default


@pytest.mark.parametrize("url", ["s3://", "s3:///prefix", "s3:"])
def test_s3_url_without_bucket_is_refused(url):
    with pytest.raises(StorageConfigError, match="STORAGE_URL .* names no bucket"):
        storage_from_url(url, S3_SETTINGS)


def test_app_configured_for_s3_stores_in_the_bucket(tmp_path, moto_server, s3_client,
                                                   s3_bucket):
    from assess import create_app
    from tests.conftest import make_config

    app = create_app(make_config(
        tmp_path, STORAGE_URL=f"s3://{s3_bucket}/app", S3_ENDPOINT_URL=moto_server,
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing"))
    storage = get_storage(app)

    assert isinstance(storage, S3Storage)
    assert get_storage(app) is storage  # built once per app
    blob = storage.save_stream(io.BytesIO(b"through the app config"), max_bytes=100)
    listed = s3_client.list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [item["Key"] for item in listed] == [f"app/{blob.key}"]
    with storage.open(blob.key) as fh:
        assert fh.read() == b"through the app config"
