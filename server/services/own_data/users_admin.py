"""Users administered in the office: created with a role, a utility and a section (their chief), deactivated
(their sessions and their tablets stop at the next request), passwords reset to a temporary one that must
be changed at the first sign-in; tablets named by their chief. Every change is audited."""
import secrets
from datetime import datetime

from sqlalchemy import select

from ...errors import DomainError, Forbidden, NotFound
from ...extensions import db
from ...models import Device, User
from ...models.people import ROLES
from ..base.accounts import end_sessions, hash_password, password_matches
from ..base.audit import record

MIN_PASSWORD = 10
UTILITIES = (None, "water", "electricity")


def _temporary_password() -> str:
    return secrets.token_urlsafe(9)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound("Utilisateur introuvable.")
    return user


def create_office_user(login: str, name: str, role: str, utility: str | None, chief_id: int | None, *,
                       by: User, now: datetime) -> tuple[User, str]:
    """A new user and their temporary password (shown once; to change at the first sign-in)."""
    login = (login or "").strip()
    if role not in ROLES or utility not in UTILITIES:
        raise DomainError("Rôle ou métier inconnu.")
    if not login or any(ch.isspace() for ch in login):
        raise DomainError("Identifiant requis, sans espace.")
    if db.session.scalar(select(User.id).where(User.login == login)):
        raise DomainError(f"L'identifiant {login} existe déjà.")
    chief = _user(chief_id) if chief_id else None
    if chief is not None and chief.role != "chief":
        raise DomainError("La section d'un utilisateur est celle d'un chef de section.")
    password = _temporary_password()
    user = User(login=login, name=name.strip(), role=role, utility=utility, password_hash=hash_password(password),
                chief_id=chief.id if chief else None, must_change_password=True, created_at=now)
    db.session.add(user)
    db.session.flush()
    record("create_user", "user", user.id, user=by, at=now, role=role, utility=utility,
           chief=chief.login if chief else None)
    db.session.commit()
    return user, password


def deactivate_user(user_id: int, *, by: User, now: datetime) -> User:
    """The user can no longer sign in; their sessions end and their tablets stop syncing."""
    user = _user(user_id)
    if user.id == by.id:
        raise DomainError("Vous ne pouvez pas désactiver votre propre compte.")
    if user.active:
        user.active = False
        user.session_version += 1
        record("deactivate_user", "user", user.id, user=by, at=now)
        db.session.commit()
    return user


def reset_password(user_id: int, *, by: User, now: datetime) -> tuple[User, str]:
    """A temporary password (shown once to the admin), to change at the next sign-in; sessions end."""
    user = _user(user_id)
    password = _temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_version += 1
    record("reset_password", "user", user.id, user=by, at=now)
    db.session.commit()
    return user, password


def change_own_password(user: User, current: str, new: str, *, now: datetime) -> None:
    if not password_matches(user, current):
        raise DomainError("Mot de passe actuel incorrect.")
    if len(new) < MIN_PASSWORD or new.isdigit() or new.isalpha():
        raise DomainError(f"Le nouveau mot de passe compte au moins {MIN_PASSWORD} caractères, lettres et chiffres.")
    if password_matches(user, new):
        raise DomainError("Choisissez un mot de passe différent du mot de passe temporaire.")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(user)  # a session opened with the old password elsewhere ends too (PITFALLS 17)
    record("change_password", "user", user.id, user=user, at=now)
    db.session.commit()


def rename_device(device_id: int, name: str, *, by: User, now: datetime) -> Device:
    """A chief names the tablets of their utility's field users (an admin any tablet); audited."""
    device = db.session.get(Device, device_id) if 0 < device_id < 2**31 else None
    if device is None:
        raise NotFound("Appareil introuvable.")
    owner = db.session.get(User, device.user_id)
    if by.role not in ("chief", "admin") or (by.role == "chief" and by.utility and owner.utility != by.utility):
        raise Forbidden("Seul un chef de section de ce métier ou un administrateur nomme cette tablette.")
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 120:
        raise DomainError("Nom de tablette requis (120 caractères au plus).")
    if name != device.name:
        record("rename_device", "device", device.id, user=by, at=now, before=device.name, after=name)
        device.name = name
        db.session.commit()
    return device
