"""Blob uploads stream: location stripped whatever the chunking, memory flat for a 15 MB photo, the
limit judged from the declared length (a body of exactly the limit is accepted)."""
import hashlib
import io
import tracemalloc

import pytest
from PIL import Image

from server.blobs import DiskBlobStore, strip_jpeg_location
from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE, GOLDEN

JPEG_GPS = (GOLDEN / "blobs" / "meter-gps.jpg").read_bytes()
MB = 1024 * 1024


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Trickle(io.BytesIO):
    """A body that arrives in small, uneven pieces, as over a bad network."""

    def __init__(self, data: bytes, piece: int):
        super().__init__(data)
        self.piece = piece

    def read(self, size=-1):
        return super().read(self.piece if size < 0 else min(size, self.piece))


class Untouchable(io.BytesIO):
    def read(self, size=-1):
        raise AssertionError("the body was read although its declared length was over the limit")


@pytest.mark.parametrize("piece", [1, 3, 7, 1000])
def test_location_is_stripped_however_the_body_is_cut(tmp_path, piece):
    store = DiskBlobStore(tmp_path, 10 * MB)
    assert store.save(sha(JPEG_GPS), Trickle(JPEG_GPS, piece)) == (True, len(JPEG_GPS))
    kept = store.path(sha(JPEG_GPS)).read_bytes()
    assert kept == strip_jpeg_location(JPEG_GPS) != JPEG_GPS
    assert 0x8825 not in Image.open(io.BytesIO(kept)).getexif()


def test_a_15_mb_upload_is_streamed_not_held(tmp_path):
    photo = JPEG_GPS + bytes(15 * MB - len(JPEG_GPS))  # a valid JPEG, padded after its end
    store = DiskBlobStore(tmp_path, 15 * MB)
    body = io.BytesIO(photo)
    tracemalloc.start()
    try:
        created, size = store.save(sha(photo), body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert created and size == 15 * MB
    assert peak < 4 * MB, f"{peak / MB:.1f} MB held while storing a 15 MB photo"  # a few 1 MB chunks
    assert 0x8825 not in Image.open(store.path(sha(photo))).getexif()


@pytest.fixture
def client(sqlite_app):
    with sqlite_app.app_context():
        build_world(with_office=False)
    return sqlite_app.test_client()


def test_a_body_of_exactly_the_limit_is_accepted_one_more_byte_refused_unread(client, sqlite_app):
    photo = JPEG_GPS + bytes(4096)
    sqlite_app.config["BLOB_MAX_BYTES"] = len(photo)
    headers = {**auth(ALICE), "Content-Type": "image/jpeg"}
    assert client.put(f"/api/v1/blobs/{sha(photo)}", data=photo, headers=headers).status_code == 201
    over = photo + b"\0"
    refused = client.put(f"/api/v1/blobs/{sha(over)}", input_stream=Untouchable(over), content_length=len(over),
                         headers={**headers, "Expect": "100-continue"})
    assert refused.status_code == 413 and refused.json["error"] == "payload_too_large"
    assert "Mo" in refused.json["message"]
