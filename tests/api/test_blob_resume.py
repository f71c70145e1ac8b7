"""Resumable uploads (PROTOCOL §5): a photo cut mid-way resumes from the bytes the server holds, and is
verified by its SHA-256 at the end like a one-piece upload."""
import hashlib
import io

import pytest

from server.blobs import DiskBlobStore, strip_jpeg_location
from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE, GOLDEN

PHOTO = (GOLDEN / "blobs" / "meter-gps.jpg").read_bytes() + bytes(300_000)  # valid JPEG, padded
NAME = hashlib.sha256(PHOTO).hexdigest()
URL = f"/api/v1/blobs/{NAME}/upload"


class Untouchable(io.BytesIO):
    def read(self, size=-1):
        raise AssertionError("body read although its declared length was over the limit")


@pytest.fixture
def client(sqlite_app):
    with sqlite_app.app_context():
        build_world(with_office=False)
    return sqlite_app.test_client()


def part(client, data: bytes, offset: int, total: int = len(PHOTO), **kwargs):
    return client.patch(URL, headers={**auth(ALICE), "Upload-Offset": str(offset), "Upload-Length": str(total),
                                      "Content-Type": "application/offset+octet-stream"},
                        **({"data": data} if not kwargs else kwargs))


def stored(app) -> bytes:
    return DiskBlobStore(app.config["BLOB_DIR"], 1).path(NAME).read_bytes()


def test_a_cut_upload_resumes_where_the_server_stopped(client, sqlite_app):
    assert client.get(URL, headers=auth(ALICE)).json == {"sha256": NAME, "offset": 0, "complete": False}
    cut = part(client, None, 0, input_stream=io.BytesIO(PHOTO[:200_000]), content_length=len(PHOTO))
    # The test client ends the body early, as a dropped connection does: the server keeps the 200 kB that came
    # and says so (behind a real server the short body is a 400, and the same progress is kept).
    assert (cut.status_code, cut.json) == (200, {"sha256": NAME, "offset": 200_000, "complete": False})
    progress = client.get(URL, headers=auth(ALICE))
    assert progress.json["offset"] == 200_000 and progress.headers["Upload-Offset"] == "200000"
    stale = part(client, PHOTO, 0)
    assert stale.status_code == 409 and stale.json["error"] == "offset_mismatch" and stale.json["offset"] == 200_000
    middle = part(client, PHOTO[200_000:250_000], 200_000)
    assert middle.status_code == 200 and middle.json == {"sha256": NAME, "offset": 250_000, "complete": False}
    last = part(client, PHOTO[250_000:], 250_000)
    assert last.status_code == 201 and last.json["complete"] and last.json["offset"] == len(PHOTO)
    assert stored(sqlite_app) == strip_jpeg_location(PHOTO)  # same checks and stripping as a PUT
    assert client.head(f"/api/v1/blobs/{NAME}", headers=auth(ALICE)).status_code == 200
    assert client.get(URL, headers=auth(ALICE)).json["complete"] is True
    assert part(client, PHOTO[:10], 0).json["complete"] is True  # idempotent once complete


def test_a_whole_that_is_not_its_name_is_refused_and_forgotten(client):
    other = bytearray(PHOTO)
    other[-1] = 1
    assert part(client, bytes(other[:1000]), 0).status_code == 200
    refused = part(client, bytes(other[1000:]), 1000)
    assert refused.status_code == 422 and refused.json["error"] == "hash_mismatch"
    assert client.get(URL, headers=auth(ALICE)).json == {"sha256": NAME, "offset": 0, "complete": False}


def test_over_the_limit_is_refused_from_the_declared_length(client, sqlite_app):
    sqlite_app.config["BLOB_MAX_BYTES"] = len(PHOTO) - 1
    refused = part(client, None, 0, input_stream=Untouchable(b"x"), content_length=1)
    assert refused.status_code == 413 and refused.json["error"] == "payload_too_large"
    bad = client.patch(URL, data=b"x", headers={**auth(ALICE), "Upload-Length": "ten"})
    assert (bad.status_code, bad.json["error"]) == (400, "invalid_request")
    assert bad.json["message"] == "En-tête Upload-Length manquant ou invalide (un nombre d'octets)."
