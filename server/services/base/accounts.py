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


def revoke_sessions(user_id: int, by: User, at: datetime) -> User:
    """Every open session of the user stops working at its next request."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Utilisateur introuvable.")
    user.session_version += 1
    record("revoke_sessions", "user", user.id, user=by, at=at)
    db.session.commit()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.login)))
