"""The S3-compatible blob store against a real S3-protocol server (moto's, started by the suite): same
content addressing, verification, limits and location stripping as the disk store."""
import hashlib
import io

import pytest
from PIL import Image

from server.blobs import BlobHashMismatch, BlobNotImage, BlobTooLarge, strip_jpeg_location
from server.s3_blobs import S3BlobStore
from tests.unit.sync_world import GOLDEN

PNG = (GOLDEN / "blobs" / "dials.png").read_bytes()
JPEG_GPS = (GOLDEN / "blobs" / "meter-gps.jpg").read_bytes()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def store(s3_server, tmp_path):
    return S3BlobStore(s3_server.client(), s3_server.new_bucket(), 10**6, tmp_dir=str(tmp_path / "tmp"))


def test_a_blob_is_stored_once_by_its_hash(store):
    name = sha(PNG)
    assert not store.has(name)
    assert store.save(name, io.BytesIO(PNG)) == (True, len(PNG))
    assert store.save(name, io.BytesIO(PNG)) == (False, len(PNG))
    assert store.has(name) and store.size(name) == len(PNG) and store.open(name).read() == PNG
    assert list((store.tmp_dir).glob("*")) == []


def test_location_is_stripped_in_the_object_store_too(store):
    store.save(sha(JPEG_GPS), io.BytesIO(JPEG_GPS))
    kept = store.open(sha(JPEG_GPS)).read()
    assert kept == strip_jpeg_location(JPEG_GPS) and 0x8825 not in Image.open(io.BytesIO(kept)).getexif()


@pytest.mark.parametrize("name,body,refusal", [
    (sha(b"other"), PNG, BlobHashMismatch), (sha(b"not an image"), b"not an image", BlobNotImage)])
def test_refused_uploads_leave_nothing_visible(store, name, body, refusal):
    with pytest.raises(refusal):
        store.save(name, io.BytesIO(body))
    assert not store.has(name) and list(store.tmp_dir.glob("*")) == []


def test_the_limit_holds(store):
    store.max_bytes = len(PNG) - 1
    with pytest.raises(BlobTooLarge):
        store.save(sha(PNG), io.BytesIO(PNG))
    assert not store.has(sha(PNG))


def test_a_missing_blob_is_not_found(store):
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)
