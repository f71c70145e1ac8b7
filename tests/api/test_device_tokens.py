"""Device tokens (issue 12): stored only as hashes, expiring after TOURNEE_DEVICE_IDLE_DAYS without sync; the
chief's device list shows when each tablet was last used. On SQLite and PostgreSQL, with a world built here."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from server.extensions import db
from server.models import Device, User
from tests.api.scope_world import build_scope_world, token_of
from tests.conftest import sign_in


def test_a_token_unused_longer_than_the_idle_limit_expires(app):
    with app.app_context():
        build_scope_world()
        tech = db.session.scalar(select(User.id).where(User.login == "technician.water"))
        device = db.session.scalar(select(Device).where(Device.user_id == tech).order_by(Device.id))
        assert token_of("technician.water") not in (device.token_hash, device.name)  # only the hash is kept
        idle = app.config["DEVICE_IDLE_DAYS"]
        now = datetime.now(timezone.utc)
        db.session.execute(update(Device).where(Device.id == device.id)
                           .values(last_sync_at=now - timedelta(days=idle - 1)))
        db.session.commit()
        device_id = device.id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token_of('technician.water')}"}
    assert client.get("/api/v1/sync/pull", headers=headers).status_code == 200
    office = app.test_client()
    sign_in(office, "chief.water")
    assert "jamais" not in office.get("/devices").get_data(as_text=True).split("Tablette technician.water")[1][:400]
    with app.app_context():
        db.session.execute(update(Device).where(Device.id == device_id)
                           .values(last_sync_at=datetime.now(timezone.utc) - timedelta(days=idle + 1)))
        db.session.commit()
    answer = client.get("/api/v1/sync/pull", headers=headers)
    assert answer.status_code == 401 and "expiré" in answer.json["message"]
