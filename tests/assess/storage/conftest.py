"""Fixtures of the storage tests: moto's standalone S3 server (real HTTP), a fresh bucket
per test, and ``any_storage`` to run a test on the local disk and on S3 alike."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from assess.storage import LocalStorage
from tests.conftest import service_unavailable

REGION = "eu-west-3"
PREFIX = "assess/files"
STARTUP_TIMEOUT = 30.0
MULTIPART_MARK = "(incomplete multipart upload) "


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer will do: the server is up
    except OSError:
        return False


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """The URL of moto's S3 server, run as a process of its own for the whole session."""
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        service_unavailable("moto", exc)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(url):
            if proc.poll() is not None:
                pytest.fail(f"moto server exited with {proc.returncode}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"moto server not answering on {url} after "
                            f"{STARTUP_TIMEOUT:.0f} s:\n{_tail(log)}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def s3_client(moto_server):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3", endpoint_url=moto_server, region_name=REGION,
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}))


@pytest.fixture
def s3_bucket(s3_client):
    """A fresh, empty bucket; emptied and removed afterwards (moto keeps it in memory)."""
    name = f"assess-test-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name,
                            CreateBucketConfiguration={"LocationConstraint": REGION})
    yield name
    for upload in s3_client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3_client.abort_multipart_upload(Bucket=name, Key=upload["Key"],
                                         UploadId=upload["UploadId"])
    for key in bucket_keys(s3_client, name):
        s3_client.delete_object(Bucket=name, Key=key)
    s3_client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_storage(s3_client, s3_bucket):
    from assess.storage.s3 import S3Storage

    return S3Storage(s3_bucket, PREFIX, s3_client)


@pytest.fixture(params=["local", "s3"])
def any_storage(request, tmp_path):
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    return LocalStorage(tmp_path / "files")


@pytest.fixture
def held(any_storage):
    """held() -> everything the backend holds: blob keys, and whatever else is there
    (a temp file, a staging object, an incomplete multipart upload), sorted."""
    return lambda: held_by(any_storage)


def bucket_keys(client, bucket: str) -> list[str]:
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return keys


def held_by(storage) -> list[str]:
    """Names relative to the root / the prefix; anything in the bucket outside the prefix
    is listed by its full key, and incomplete multipart uploads are marked as such."""
    if isinstance(storage, LocalStorage):
        if not storage.root.exists():
            return []
        return sorted(p.relative_to(storage.root).as_posix()
                      for p in storage.root.rglob("*") if p.is_file())
    lead = f"{storage.prefix}/" if storage.prefix else ""

    def relative(key: str) -> str:
        return key[len(lead):] if lead and key.startswith(lead) else key

    names = [relative(key) for key in bucket_keys(storage.client, storage.bucket)]
    uploads = storage.client.list_multipart_uploads(Bucket=storage.bucket).get("Uploads", [])
    names += [MULTIPART_MARK + relative(upload["Key"]) for upload in uploads]
    return sorted(names)


@pytest.fixture
def listing():
    """listing(storage) -> what ``held`` lists, for a storage other than ``any_storage``."""
    return held_by
