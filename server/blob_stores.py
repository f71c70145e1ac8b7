"""The app's blob store, chosen by configuration: on the local disk (the embedded default) or in an
S3-compatible object store shared by several application servers (TOURNEE_BLOB_STORE=s3)."""
from pathlib import Path

from flask import Flask

from .blobs import BlobStore, DiskBlobStore
from .partial_uploads import PartialUploads


def store_for(app: Flask) -> BlobStore:
    """Made once per app and configuration (an S3 client is costly to build, and thread-safe)."""
    config = app.config
    key = (config.get("BLOB_STORE", "disk"), config["BLOB_DIR"], config["BLOB_MAX_BYTES"],
           config.get("S3_BUCKET"), config.get("S3_ENDPOINT_URL"))
    cache = app.extensions.setdefault("tournee_blob_stores", {})
    if key not in cache:
        cache[key] = _make_store(config)
    return cache[key]


def _make_store(config) -> BlobStore:
    if config.get("BLOB_STORE", "disk") == "s3":
        from .s3_blobs import S3BlobStore
        return S3BlobStore.from_config(config)
    return DiskBlobStore(config["BLOB_DIR"], config["BLOB_MAX_BYTES"])


def partial_uploads_for(app: Flask) -> PartialUploads:
    """The resumable uploads in progress, on this server's disk (beside the disk store, or the S3
    store's temporary files)."""
    return PartialUploads(Path(app.config["BLOB_DIR"]) / "partial", app.config["BLOB_MAX_BYTES"])
