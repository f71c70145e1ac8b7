"""Blob uploads: idempotent by hash, verified by content, bounded, atomic, location stripped."""
import hashlib
import io

import pytest
from PIL import Image

from server.blobs import DiskBlobStore, strip_jpeg_location
from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE, GOLDEN

PNG = (GOLDEN / "blobs" / "dials.png").read_bytes()
JPEG = (GOLDEN / "blobs" / "meter.jpg").read_bytes()
JPEG_GPS = (GOLDEN / "blobs" / "meter-gps.jpg").read_bytes()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def app(sqlite_app):
    """Blobs do not depend on the database engine: SQLite only."""
    return sqlite_app


@pytest.fixture
def client(app):
    with app.app_context():
        build_world(with_office=False)
    return app.test_client()


def put(client, data, name=None, kind="image/png", **headers):
    return client.put(f"/api/v1/blobs/{name or sha(data)}", data=data,
                      headers={**auth(ALICE), "Content-Type": kind, **headers})


def stored(app, name) -> bytes:
    return DiskBlobStore(app.config["BLOB_DIR"], 1).path(name).read_bytes()


def leftovers(app) -> list:
    return list((DiskBlobStore(app.config["BLOB_DIR"], 1).root / "tmp").glob("*"))


def test_new_blob_is_201_then_200_and_head_finds_it(client, app):
    name = sha(PNG)
    assert client.head(f"/api/v1/blobs/{name}", headers=auth(ALICE)).status_code == 404
    first = put(client, PNG)
    assert first.status_code == 201 and first.json == {"sha256": name, "size": len(PNG)}
    again = put(client, PNG)
    assert again.status_code == 200 and again.json == first.json
    assert client.head(f"/api/v1/blobs/{name}", headers=auth(ALICE)).status_code == 200
    assert stored(app, name) == PNG and leftovers(app) == []


def test_wrong_hash_is_422_and_nothing_is_kept(client, app):
    response = put(client, PNG, name=sha(b"something else"))
    assert response.status_code == 422 and response.json["error"] == "hash_mismatch"
    assert response.json["message"]
    assert client.head(f"/api/v1/blobs/{sha(b'something else')}", headers=auth(ALICE)).status_code == 404
    assert leftovers(app) == []


def test_too_big_is_413(client, app):
    app.config["BLOB_MAX_BYTES"] = 300
    response = put(client, PNG)
    assert response.status_code == 413 and response.json["error"] == "payload_too_large"
    assert leftovers(app) == []


@pytest.mark.parametrize("data", [b"%PDF-1.7 not an image", b"GIF89a" + b"\0" * 40,
                                  b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, b"<svg onload=alert(1)>",
                                  JPEG[:40]])
def test_not_an_image_by_content_is_415(client, data):
    response = put(client, data)
    assert response.status_code == 415 and response.json["error"] == "unsupported_media_type"


def test_content_decides_not_the_header(client):
    assert put(client, JPEG, kind="image/png").status_code == 201


def test_decompression_bomb_is_415(client):
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # 100 MP of zeros, a few kB compressed
    response = put(client, bomb.getvalue())
    assert response.status_code == 415


def test_webp_is_accepted(client):
    webp = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(webp, "WEBP")
    assert put(client, webp.getvalue(), kind="image/webp").status_code == 201


def test_gps_is_stripped_from_jpeg_but_the_picture_kept(client, app):
    assert put(client, JPEG_GPS, kind="image/jpeg").status_code == 201
    kept = stored(app, sha(JPEG_GPS))
    exif = Image.open(io.BytesIO(kept)).getexif()
    assert 0x8825 not in exif and exif.get(0x010F) == "TabletCam"
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(JPEG_GPS)).tobytes()


def test_location_kept_when_asked(client, app):
    put(client, JPEG_GPS, kind="image/jpeg", **{"X-Tournee-Keep-Location": "1"})
    assert stored(app, sha(JPEG_GPS)) == JPEG_GPS


def test_strip_leaves_a_jpeg_without_location_unchanged():
    assert strip_jpeg_location(JPEG) == JPEG


def test_upload_cut_mid_body_leaves_nothing_and_the_retry_succeeds(client, app):
    cut = client.put(f"/api/v1/blobs/{sha(PNG)}", input_stream=io.BytesIO(PNG[:100]),
                     content_length=len(PNG), headers={**auth(ALICE), "Content-Type": "image/png"})
    assert 400 <= cut.status_code < 500
    assert client.head(f"/api/v1/blobs/{sha(PNG)}", headers=auth(ALICE)).status_code == 404
    assert leftovers(app) == []
    assert put(client, PNG).status_code == 201 and stored(app, sha(PNG)) == PNG


def test_store_interrupted_by_a_dead_connection_publishes_nothing(tmp_path):
    class Dying(io.BytesIO):
        def read(self, size=-1):
            if self.tell() > 100:
                raise ConnectionResetError("peer gone")
            return super().read(min(size, 64))

    store = DiskBlobStore(tmp_path, 10_000)
    with pytest.raises(ConnectionResetError):
        store.save(sha(PNG), Dying(PNG))
    assert not store.has(sha(PNG)) and list((tmp_path / "tmp").glob("*")) == []
    assert store.save(sha(PNG), io.BytesIO(PNG)) == (True, len(PNG))


@pytest.mark.parametrize("name,status,error", [("abc", 400, "invalid_request"), ("G" * 64, 400, "invalid_request"),
                                               (sha(PNG).upper(), 400, "invalid_request"),
                                               ("../../etc/passwd", 404, "not_found")])   # no such route
def test_bad_blob_names_are_refused(client, name, status, error):
    response = put(client, PNG, name=name)
    assert (response.status_code, response.json["error"]) == (status, error)


def test_blobs_need_a_device_token(client):
    assert client.put(f"/api/v1/blobs/{sha(PNG)}", data=PNG).status_code == 401
    assert client.head(f"/api/v1/blobs/{sha(PNG)}").status_code == 401


def test_leftovers_of_a_killed_server_are_swept_at_the_next_upload(tmp_path):
    import os
    store = DiskBlobStore(tmp_path, 10_000)
    (tmp_path / "tmp").mkdir()
    old, young = tmp_path / "tmp" / "up-old", tmp_path / "tmp" / "up-young"
    old.write_bytes(b"half a photo")
    young.write_bytes(b"an upload in progress")
    os.utime(old, (1, 1))
    store.save(sha(PNG), io.BytesIO(PNG))
    assert not old.exists() and young.exists()
