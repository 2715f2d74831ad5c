"""Blobs in an S3-compatible bucket (AWS S3, MinIO, moto), under one key prefix.

The key is the SHA-256 of the bytes, known only once the stream is read to its end. A
stream that ends within the first part (``PART_SIZE``) was held in memory anyway: it is
put straight to its final key in one request (a PUT is atomic: the object appears whole
or not at all). A longer one goes, part by part as each fills, to a staging object
``<prefix>/.staging/<random>`` by multipart upload; once complete it is copied to its
final key and the staging object deleted. Whatever goes wrong (``TooLarge``, ``EmptyFile``,
the stream or the network failing), the multipart upload is aborted and anything staged
deleted, so the bucket is left as it was. Memory stays around one part, whatever the size.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import UTC
from typing import Any, BinaryIO

from botocore.exceptions import ClientError

from .base import CHUNK_SIZE, HashedChunks, Storage, StoredBlob, check_key, key_for

log = logging.getLogger(__name__)

STAGING_DIR = ".staging"
# S3 parts must be at least 5 MiB, except the last one.
PART_SIZE = 8 * 1024 * 1024
# copy_object copies up to 5 GB in one request; beyond, the copy goes by parts.
MAX_COPY_BYTES = 5 * 1024**3
COPY_PART_SIZE = 512 * 1024 * 1024
NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound"}


class S3Storage(Storage):
    def __init__(self, bucket: str, prefix: str, client: Any):
        self.bucket = bucket
        self.prefix = (prefix or "").strip("/")
        self.client = client

    def object_key(self, key: str) -> str:
        """The bucket key of a blob key (checked)."""
        return self._under_prefix(check_key(key))

    def _under_prefix(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def save_stream(self, stream: BinaryIO, *, max_bytes: int) -> StoredBlob:
        chunks = HashedChunks(stream, max_bytes)
        part = bytearray()
        upload: _StagedUpload | None = None
        try:
            for chunk in chunks:
                part += chunk
                if len(part) >= PART_SIZE:  # a part is sent as soon as it is full
                    if upload is None:
                        upload = _StagedUpload(self)
                    upload.add_part(part)
                    part = bytearray()
            size, digest = chunks.size, chunks.sha256
            key = key_for(digest)
            final = self._under_prefix(key)
            # Same key means same bytes; it is written again all the same, so that its
            # time says a row is about to use it (``release_blobs`` spares recent blobs).
            if upload is None:
                # Shorter than a part: its bytes are here, put them under their key.
                self.client.put_object(Bucket=self.bucket, Key=final, Body=bytes(part))
            else:
                if part:
                    upload.add_part(part)
                part = bytearray()
                upload.complete()
                self._copy(upload.key, final, size)
                upload.discard()
        except BaseException:
            if upload is not None:
                upload.discard()
            raise
        return StoredBlob(key=key, size=size, sha256=digest)

    def open(self, key: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if _is_not_found(exc):
                raise FileNotFoundError(f"no blob {key} in s3://{self.bucket}") from exc
            raise
        return io.BufferedReader(_BodyReader(response["Body"]), buffer_size=CHUNK_SIZE)

    def delete(self, key: str) -> None:
        # S3 answers 204 for a missing key too.
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def exists(self, key: str) -> bool:
        return self._head(self.object_key(key))

    def modified_at(self, key: str):
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if _is_not_found(exc):
                return None
            raise
        return head["LastModified"].astimezone(UTC).replace(tzinfo=None)

    def _head(self, object_key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=object_key)
        except ClientError as exc:
            if _is_not_found(exc):
                return False
            raise
        return True

    def _copy(self, source: str, target: str, size: int) -> None:
        copy_source = {"Bucket": self.bucket, "Key": source}
        if size <= MAX_COPY_BYTES:
            self.client.copy_object(Bucket=self.bucket, Key=target, CopySource=copy_source)
            return
        upload_id = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=target)["UploadId"]
        try:
            parts = []
            for number, start in enumerate(range(0, size, COPY_PART_SIZE), start=1):
                end = min(start + COPY_PART_SIZE, size) - 1
                result = self.client.upload_part_copy(
                    Bucket=self.bucket, Key=target, UploadId=upload_id, PartNumber=number,
                    CopySource=copy_source, CopySourceRange=f"bytes={start}-{end}")
                parts.append({"PartNumber": number, "ETag": result["CopyPartResult"]["ETag"]})
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=target, UploadId=upload_id,
                MultipartUpload={"Parts": parts})
        except BaseException:
            _quietly(self.client.abort_multipart_upload, Bucket=self.bucket, Key=target,
                     UploadId=upload_id)
            raise


class _StagedUpload:
    """A multipart upload to a staging object, started with its first part."""

    def __init__(self, storage: S3Storage):
        self.client = storage.client
        self.bucket = storage.bucket
        self.key = storage._under_prefix(f"{STAGING_DIR}/{uuid.uuid4().hex}")
        self.parts: list[dict] = []
        self.completed = False
        self.upload_id = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=self.key)["UploadId"]

    def add_part(self, data: bytes | bytearray) -> None:
        number = len(self.parts) + 1
        result = self.client.upload_part(Bucket=self.bucket, Key=self.key,
                                         UploadId=self.upload_id, PartNumber=number,
                                         Body=bytes(data))
        self.parts.append({"PartNumber": number, "ETag": result["ETag"]})

    def complete(self) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts})
        self.completed = True

    def discard(self) -> None:
        """Leave nothing of the staging object; never raises (it may be cleaning up after
        an error of its own, which is the one to report)."""
        if self.completed:
            _quietly(self.client.delete_object, Bucket=self.bucket, Key=self.key)
        else:
            _quietly(self.client.abort_multipart_upload, Bucket=self.bucket, Key=self.key,
                     UploadId=self.upload_id)


class _BodyReader(io.RawIOBase):
    """botocore's StreamingBody as a raw binary stream, for ``io.BufferedReader``."""

    def __init__(self, body):
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._body.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:
        if not self.closed:
            try:
                self._body.close()
            finally:
                super().close()


def _is_not_found(exc: ClientError) -> bool:
    # Not the bare 404 status: a missing bucket (NoSuchBucket) is a configuration error.
    # HEAD has no body, so its missing key is only "404" (a missing bucket looks the same).
    return str(exc.response.get("Error", {}).get("Code")) in NOT_FOUND_CODES


def _quietly(operation, **kwargs) -> None:
    try:
        operation(**kwargs)
    except Exception:
        log.warning("S3 clean-up %s failed for %s", operation.__name__, kwargs.get("Key"),
                    exc_info=True)
