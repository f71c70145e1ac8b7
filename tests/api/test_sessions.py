"""Sessions end on the server (PITFALLS 17, issue 12): a copied session cookie stops working at sign-out, at a
password change and at deactivation; sign-out is audited. On SQLite and PostgreSQL, with users made here."""
from datetime import datetime, timezone

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Device, User
from server.services.base.accounts import change_password, create_user, set_active
from server.services.field.devices import hash_token
from tests.conftest import csrf_token_from, sign_in

NOW = datetime(2026, 12, 5, 8, tzinfo=timezone.utc)


def agent_signed_in(app, login="agent.sessions", password="tournee2026"):
    with app.app_context():
        if db.session.scalar(select(User).where(User.login == login)) is None:
            create_user(login, "Agent Sessions", "agent", password, utility="water")
    client = app.test_client()
    assert sign_in(client, login, password).status_code == 302
    return client


def copy_of(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/customers").status_code == 200
    return thief


def user_id(app, login="agent.sessions") -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.login == login))


def test_a_copied_cookie_dies_at_sign_out_and_the_sign_out_is_audited(app):
    client = agent_signed_in(app)
    thief = copy_of(app, client)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    answer = thief.get("/customers")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "logout",
                                                          AuditEntry.object_id == str(user_id(app))))
    assert agent_signed_in(app).get("/customers").status_code == 200  # signing in again works


def test_a_copied_cookie_dies_at_a_password_change(app):
    thief = copy_of(app, agent_signed_in(app))
    with app.app_context():
        change_password(user_id(app), "nouveau-secret-2026", by=None, at=NOW)
    assert thief.get("/customers").status_code == 302
    assert sign_in(app.test_client(), "agent.sessions", "tournee2026").status_code == 422
    assert agent_signed_in(app, password="nouveau-secret-2026").get("/customers").status_code == 200


def test_a_copied_cookie_and_the_tablets_die_at_deactivation(app):
    thief = copy_of(app, agent_signed_in(app))
    with app.app_context():
        db.session.add(Device(user_id=user_id(app), name="Tablette", token_hash=hash_token("t-sessions")))
        db.session.commit()
        set_active(user_id(app), False, by=None, at=NOW)
    assert thief.get("/customers").status_code == 302
    assert sign_in(app.test_client(), "agent.sessions").status_code == 422
    answer = app.test_client().get("/api/v1/sync/pull", headers={"Authorization": "Bearer t-sessions"})
    assert answer.status_code == 401


def test_the_command_line_deactivates_and_sets_passwords(app):
    thief = copy_of(app, agent_signed_in(app))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["set-password", "agent.sessions"], input="court\ncourt\n")
    assert result.exit_code != 0 and "au moins 8 caractères" in result.output
    result = runner.invoke(args=["set-password", "agent.sessions"], input="nouveau-2027\nnouveau-2027\n")
    assert result.exit_code == 0, result.output
    assert thief.get("/customers").status_code == 302
    assert runner.invoke(args=["deactivate", "agent.sessions"]).exit_code == 0
    assert sign_in(app.test_client(), "agent.sessions", "nouveau-2027").status_code == 422
    assert "introuvable" in runner.invoke(args=["deactivate", "nobody"]).output
