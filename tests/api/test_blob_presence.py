"""A tablet learns that a photo is present only for the files its technician uploaded (issue 12): hashing a
guessed photo tells nothing of other tablets' uploads. On SQLite and PostgreSQL, with a world built here."""
import hashlib
from pathlib import Path

from server.extensions import db
from tests.api.scope_world import build_scope_world, token_of

PNG = (Path(__file__).resolve().parents[2] / "fixtures" / "sync" / "blobs" / "signature.png").read_bytes()
SHA = hashlib.sha256(PNG).hexdigest()


def bearer(login: str) -> dict:
    return {"Authorization": f"Bearer {token_of(login)}"}


def test_head_says_present_only_for_the_uploaders_own_blobs(app):
    with app.app_context():
        build_scope_world()
        db.session.remove()
    client = app.test_client()
    water, elec = bearer("technician.water"), bearer("technician.electricity")
    assert client.head(f"/api/v1/blobs/{SHA}", headers=water).status_code == 404
    assert client.put(f"/api/v1/blobs/{SHA}", data=PNG, content_type="image/png", headers=water).status_code == 201
    assert client.head(f"/api/v1/blobs/{SHA}", headers=water).status_code == 200
    assert client.head(f"/api/v1/blobs/{SHA}", headers=elec).status_code == 404  # held, but not theirs
    assert client.put(f"/api/v1/blobs/{SHA}", data=PNG, content_type="image/png", headers=elec).status_code == 200
    assert client.head(f"/api/v1/blobs/{SHA}", headers=elec).status_code == 200
