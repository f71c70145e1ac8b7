"""Users, passwords (Argon2id), office sign-in with rate limiting, revocable sessions."""
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from ...errors import DomainError, NotFound
from ...extensions import db
from ...local_time import as_utc
from ...models import LoginAttempt, User
from ...models.people import ROLES
from .audit import record
from .scope import serves_utility  # noqa: F401  (re-exported: older callers import it from here)

_hasher = PasswordHasher()
_DUMMY: list[str] = []  # a hash of a random password, made once, for unknown logins
MIN_PASSWORD_LENGTH = 8
THROTTLE_BASE_SECONDS = 30
PER_ADDRESS_FACTOR = 10


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Whether the password is the user's. An unknown (or inactive) login costs the same Argon2 work as a
    known one, against a dummy hash: the time of an answer tells nothing about which logins exist."""
    try:
        return _hasher.verify(user.password_hash if user is not None else _dummy_hash(), password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def create_user(login: str, name: str, role: str, password: str, utility: str | None = None,
                chief: User | None = None) -> User:
    if role not in ROLES:
        raise DomainError(f"Rôle inconnu : {role}.")
    if db.session.scalar(select(User).where(User.login == login)):
        raise DomainError(f"L'identifiant {login} existe déjà.")
    user = User(login=login, name=name, role=role, utility=utility,
                password_hash=hash_password(password), chief_id=chief.id if chief else None)
    db.session.add(user)
    db.session.commit()
    return user


def throttle_delay(failures: int, max_attempts: int, window_seconds: int) -> int:
    """Seconds to wait after the last failure: none below `max_attempts`, then doubling from
    `THROTTLE_BASE_SECONDS` with each further failure, at most the window."""
    if failures < max_attempts:
        return 0
    return min(window_seconds, THROTTLE_BASE_SECONDS * 2 ** min(failures - max_attempts, 20))


def _failures(since: datetime, *where) -> tuple[int, datetime | None]:
    count, last = db.session.execute(select(func.count(), func.max(LoginAttempt.at))
                                      .where(LoginAttempt.at >= since, *where)).one()
    return count, as_utc(last)


def check_throttle(login: str, remote_addr: str, now: datetime, max_attempts: int, window_seconds: int) -> None:
    """Wrong passwords are counted per login and client address (and, ten times more loosely, per address for
    every login): guessing from one place slows down that place only; the right password from another address
    still works."""
    since = now - timedelta(seconds=window_seconds)
    for failures, last, limit in (
            (*_failures(since, LoginAttempt.login == login, LoginAttempt.remote_addr == remote_addr), max_attempts),
            (*_failures(since, LoginAttempt.remote_addr == remote_addr), max_attempts * PER_ADDRESS_FACTOR)):
        wait = throttle_delay(failures, limit, window_seconds)
        if wait and last is not None and now < last + timedelta(seconds=wait):
            left = int((last + timedelta(seconds=wait) - now).total_seconds()) + 1
            raise TooManyAttempts(f"Trop de tentatives de connexion. Réessayez dans {left} secondes.")


def authenticate(login: str, password: str, remote_addr: str, now: datetime,
                 max_attempts: int, window_seconds: int) -> User:
    """The user for these credentials, or a refusal; failures slow down the login from that address."""
    check_throttle(login, remote_addr, now, max_attempts, window_seconds)
    user = db.session.scalar(select(User).where(User.login == login))
    if not password_matches(user, password) or not user.active:
        db.session.add(LoginAttempt(login=login[:64], remote_addr=remote_addr[:64], at=now))
        db.session.commit()
        raise DomainError("Identifiant ou mot de passe incorrect.")
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.login == login, LoginAttempt.remote_addr == remote_addr))
    record("login", "user", user.id, user=user, at=now)
    db.session.commit()
    return user


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the session names a user and a session version that must still be current."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound("Utilisateur introuvable.")
    return user


def end_sessions(user: User) -> None:
    """Every session cookie of the user, copies included, stops working at its next request (PITFALLS 17):
    the cookie names a session version that is no longer the user's."""
    user.session_version = (user.session_version or 0) + 1


def revoke_sessions(user_id: int, by: User, at: datetime) -> User:
    """Every open session of the user stops working at its next request."""
    user = _user(user_id)
    end_sessions(user)
    record("revoke_sessions", "user", user.id, user=by, at=at)
    db.session.commit()
    return user


def sign_out(user: User, at: datetime) -> None:
    """Sign-out ends the session on the server, not only in the browser; audited."""
    end_sessions(user)
    record("logout", "user", user.id, user=user, at=at)
    db.session.commit()


def change_password(user_id: int, password: str, *, by: User | None, at: datetime) -> User:
    """A new password; every open session of the user ends with the old one. Audited."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    user = _user(user_id)
    user.password_hash = hash_password(password)
    end_sessions(user)
    record("change_password", "user", user.id, user=by, at=at)
    db.session.commit()
    return user


def set_active(user_id: int, active: bool, *, by: User | None, at: datetime) -> User:
    """Deactivate (or reactivate) a user; deactivation ends their sessions and their tablets' access. Audited."""
    user = _user(user_id)
    user.active = active
    end_sessions(user)
    record("activate_user" if active else "deactivate_user", "user", user.id, user=by, at=at)
    db.session.commit()
    return user


def user_by_login(login: str) -> User:
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound(f"Utilisateur {login} introuvable.")
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.login)))
