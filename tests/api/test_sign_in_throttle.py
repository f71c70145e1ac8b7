"""Sign-in guessing (issue 12): wrong passwords slow down one login from one address with growing delays, the
right password from another address still works, and unknown logins cost the same Argon2 work as known ones.
On SQLite and PostgreSQL, with users made here."""
from datetime import datetime, timedelta, timezone

import pytest

from server.errors import DomainError
from server.services.base import accounts
from server.services.base.accounts import TooManyAttempts, authenticate, create_user, throttle_delay
from tests.conftest import sign_in

NOW = datetime(2026, 12, 5, 8, tzinfo=timezone.utc)


def client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


class CountingHasher:
    def __init__(self, real):
        self.real, self.verified = real, []

    def verify(self, hashed, password):
        self.verified.append(hashed)
        return self.real.verify(hashed, password)

    def hash(self, password):
        return self.real.hash(password)


def test_delays_grow_after_the_allowed_failures():
    assert [throttle_delay(n, 5, 300) for n in (0, 4, 5, 6, 7, 8, 9)] == [0, 0, 30, 60, 120, 240, 300]


def test_guesses_from_one_address_do_not_lock_the_owner_out(app):
    with app.app_context():
        create_user("agent.throttle", "Agent", "agent", "tournee2026", utility="water")
    guesser = client_from(app, "203.0.113.9")
    for _ in range(5):
        assert sign_in(guesser, "agent.throttle", "wrong").status_code == 422
    answer = sign_in(guesser, "agent.throttle")
    assert answer.status_code == 429 and "Réessayez dans" in answer.get_data(as_text=True)
    owner = client_from(app, "192.0.2.10")
    assert sign_in(owner, "agent.throttle").status_code == 302


def test_the_delay_passes_then_grows(app_ctx):
    create_user("agent.delay", "Agent", "agent", "tournee2026", utility="water")
    for n in range(5):
        with pytest.raises(DomainError):
            authenticate("agent.delay", "wrong", "198.51.100.1", NOW + timedelta(seconds=n), 5, 300)
    with pytest.raises(TooManyAttempts):
        authenticate("agent.delay", "tournee2026", "198.51.100.1", NOW + timedelta(seconds=20), 5, 300)
    later = NOW + timedelta(seconds=40)  # 30 s after the fifth failure
    with pytest.raises(DomainError):
        authenticate("agent.delay", "wrong", "198.51.100.1", later, 5, 300)
    with pytest.raises(TooManyAttempts):  # the sixth failure asks for 60 s
        authenticate("agent.delay", "tournee2026", "198.51.100.1", later + timedelta(seconds=45), 5, 300)
    user = authenticate("agent.delay", "tournee2026", "198.51.100.1", later + timedelta(seconds=61), 5, 300)
    assert user.login == "agent.delay"


def test_an_unknown_login_costs_an_argon2_verification_too(app_ctx, monkeypatch):
    create_user("agent.known", "Agent", "agent", "tournee2026", utility="water")
    hasher = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    for login in ("agent.known", "nobody.here"):
        with pytest.raises(DomainError):
            authenticate(login, "wrong", "198.51.100.2", NOW, 5, 300)
    assert len(hasher.verified) == 2 and hasher.verified[0] != hasher.verified[1]
