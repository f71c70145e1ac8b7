"""Users, passwords (Argon2id), office sign-in with rate limiting, revocable sessions."""
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from ...errors import DomainError, NotFound
from ...extensions import db
from ...models import LoginAttempt, User
from ...models.people import ROLES
from .audit import record
from .scope import serves_utility  # noqa: F401  (re-exported: older callers import it from here)

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


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


def authenticate(login: str, password: str, remote_addr: str, now: datetime,
                 max_attempts: int, window_seconds: int) -> User:
    """The user for these credentials, or a refusal; failures are counted per login and per address."""
    since = now - timedelta(seconds=window_seconds)
    failures = db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.at >= since,
            (LoginAttempt.login == login) | (LoginAttempt.remote_addr == remote_addr),
        )
    )
    if failures >= max_attempts:
        raise TooManyAttempts("Trop de tentatives de connexion. Réessayez dans quelques minutes.")
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None or not user.active or not password_matches(user, password):
        db.session.add(LoginAttempt(login=login, remote_addr=remote_addr, at=now))
        db.session.commit()
        raise DomainError("Identifiant ou mot de passe incorrect.")
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.login == login))
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
