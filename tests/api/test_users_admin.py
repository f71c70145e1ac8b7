"""The admin manages users: create (role, utility, section) with a temporary password to change at the first
sign-in, reset a password, deactivate (sessions and tablets stop)."""
import re

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, User
from tests.conftest import csrf_token_from, sign_in


def _temporary_password(html: str) -> str:
    return re.findall(r"affiché une seule fois[^:]*: (\S+)</p>", html)[-1]  # the latest message


def test_a_new_user_signs_in_with_the_temporary_password_and_must_choose_their_own(office, sqlite_demo_app):
    admin = office("admin")
    token = csrf_token_from(admin.get("/admin/users").get_data(as_text=True))
    with sqlite_demo_app.app_context():
        chief_id = db.session.scalar(select(User.id).where(User.login == "chef.eau"))
    page = admin.post("/admin/users", data={"csrf_token": token, "login": "tech.eau9", "name": "Inès Faure",
                                            "role": "technician", "utility": "water", "chief_id": str(chief_id)},
                      follow_redirects=True).get_data(as_text=True)
    password = _temporary_password(page)
    with sqlite_demo_app.app_context():
        user = db.session.scalar(select(User).where(User.login == "tech.eau9"))
        assert (user.role, user.utility, user.chief_id, user.must_change_password) == \
            ("technician", "water", chief_id, True)
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create_user")) is not None
    agent = sqlite_demo_app.test_client()
    token = csrf_token_from(admin.get("/admin/users").get_data(as_text=True))
    admin.post("/admin/users", data={"csrf_token": token, "login": "agent.eau7", "name": "Léo Brun",
                                     "role": "agent", "utility": "water", "chief_id": ""})
    with sqlite_demo_app.app_context():
        agent_id = db.session.scalar(select(User.id).where(User.login == "agent.eau7"))
    reset = admin.post(f"/admin/users/{agent_id}/reset-password", data={"csrf_token": token}, follow_redirects=True)
    password = _temporary_password(reset.get_data(as_text=True))
    answer = sign_in(agent, "agent.eau7", password)
    assert answer.status_code == 302, answer.get_data(as_text=True)[-1500:]
    assert agent.get("/customers").headers["Location"].endswith("/account/password")  # forced change first
    form = csrf_token_from(agent.get("/account/password").get_data(as_text=True))
    weak = agent.post("/account/password", data={"csrf_token": form, "current": password, "new": "court",
                                                  "confirm": "court"}).get_data(as_text=True)
    assert "au moins 10 caractères" in weak
    agent.post("/account/password", data={"csrf_token": form, "current": password, "new": "NouveauMot2026",
                                          "confirm": "NouveauMot2026"})
    assert agent.get("/customers").status_code == 200


def test_a_deactivated_technician_can_no_longer_sync(office, sqlite_demo_app):
    tablet = sqlite_demo_app.test_client()
    enrolled = tablet.post("/api/v1/devices", json={"login": "tech.eau2", "password": "tournee2026",
                                                    "device_name": "Tab-09"}).get_json()
    bearer = {"Authorization": f"Bearer {enrolled['token']}"}
    assert tablet.get("/api/v1/sync/pull", headers=bearer).status_code == 200
    admin = office("admin")
    token = csrf_token_from(admin.get("/admin/users").get_data(as_text=True))
    with sqlite_demo_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.login == "tech.eau2"))
    admin.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token})
    assert tablet.get("/api/v1/sync/pull", headers=bearer).status_code == 401
    with sqlite_demo_app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deactivate_user")) is not None


def test_a_chief_names_the_tablets_of_their_utility_only(office, sqlite_demo_app):
    tablet = sqlite_demo_app.test_client()
    enrolled = tablet.post("/api/v1/devices", json={"login": "tech.eau1", "password": "tournee2026",
                                                    "device_name": "Tab-01"}).get_json()
    device_id = enrolled["device_id"]
    chief = office("chef.eau")
    token = csrf_token_from(chief.get("/devices").get_data(as_text=True))
    chief.post(f"/devices/{device_id}/name", data={"csrf_token": token, "name": "Tablette camion 3"})
    assert "Tablette camion 3" in chief.get("/devices").get_data(as_text=True)
    other = office("chef.elec")
    token = csrf_token_from(other.get("/devices").get_data(as_text=True))
    page = other.post(f"/devices/{device_id}/name", data={"csrf_token": token, "name": "Volée"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Appareil introuvable." in page  # another utility's tablet does not exist for them (scope)
    with sqlite_demo_app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rename_device"))
        assert entry.details == {"before": "Tab-01", "after": "Tablette camion 3"}
