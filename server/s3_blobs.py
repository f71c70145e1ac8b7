"""Content-addressed blobs in an S3-compatible object store (boto3), for several application servers
sharing one store. Same contract as the disk store: named by the SHA-256 of what the tablet sent,
streamed through the same hash-and-strip pass, verified and checked before anything is visible
(an object appears whole or not at all), bounded by the same limit."""
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .blobs import DiskBlobStore, checked_image_file, receive_upload


class S3BlobStore:
    def __init__(self, client, bucket: str, max_bytes: int, prefix: str = "blobs/", tmp_dir: str | None = None):
        self.client = client
        self.bucket = bucket
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.tmp_dir = Path(tmp_dir or tempfile.gettempdir())

    @classmethod
    def from_config(cls, config) -> "S3BlobStore":
        client = boto3.client(
            "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None, region_name=config.get("S3_REGION") or None,
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}, s3={"addressing_style": "path"}))
        return cls(client, config["S3_BUCKET"], config["BLOB_MAX_BYTES"], config.get("S3_PREFIX", "blobs/"),
                   str(Path(config["BLOB_DIR"]) / "tmp"))

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def _head(self, sha256: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def has(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def size(self, sha256: str) -> int:
        head = self._head(sha256)
        if head is None:
            raise FileNotFoundError(sha256)
        return head["ContentLength"]

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]
        except ClientError as err:
            raise FileNotFoundError(sha256) from err

    def save(self, sha256: str, stream: BinaryIO, keep_location: bool = False) -> tuple[bool, int]:
        """Stream to a local temporary file (hash, strip), check it, then upload it under its name."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        DiskBlobStore.sweep_temporary(self.tmp_dir)
        handle, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="up-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                size = receive_upload(stream, out, sha256, self.max_bytes, keep_location)
            checked_image_file(tmp)
            if self.has(sha256):
                return False, size
            self.client.upload_file(str(tmp), self.bucket, self.key(sha256))
            return True, size
        finally:
            tmp.unlink(missing_ok=True)
