"""Tablets: enrolment against a password, revocable bearer tokens stored hashed, device telemetry."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ...errors import DomainError, Forbidden
from ...extensions import db
from ...local_time import as_utc
from ...models import Device, User
from ..base.accounts import authenticate
from ..base import scope
from ..base.audit import record
from ..base.paging import scalars_page
from ..rules.paging import FIRST_PAGE, Page, PageRequest

ENROLLING_ROLES = ("technician", "chief", "admin")  # a chief countersigns on a tablet
REVOKING_ROLES = ("chief", "admin")
TELEMETRY_QUIET_SECONDS = 60
TELEMETRY_LIMITS = {"queue_depth": 10**9, "storage_used": 2**62, "storage_quota": 2**62}


class Unauthenticated(DomainError):
    status = 401
    code = "unauthorized"


@dataclass(frozen=True)
class Enrolment:
    device: Device
    token: str  # shown once; only its hash is stored
    user: User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def enrol_device(login: str, password: str, device_name: str, *, remote_addr: str, now: datetime,
                 max_attempts: int, window_seconds: int, enrolment_id: str | None = None) -> Enrolment:
    """The device for these credentials, with a fresh random token.

    Idempotent by the tablet's own `enrolment_id`: the same id for the same user answers the same
    device with a new token (a lost answer leaves no device nobody holds). A device revoked meanwhile
    stays revoked: the id then goes to a new device."""
    try:
        user = authenticate(login, password, remote_addr, now, max_attempts, window_seconds)
    except DomainError as refusal:
        if refusal.status == 429:
            raise
        raise Unauthenticated(refusal.message) from None
    if user.role not in ENROLLING_ROLES:
        raise Forbidden("Seuls les techniciens et les chefs de section enrôlent une tablette.")
    token = secrets.token_urlsafe(32)
    device = enrolled_device(user, enrolment_id)
    if device is not None:
        return _renew_token(device, user, token, device_name, now)
    device = Device(user_id=user.id, name=device_name, token_hash=hash_token(token), created_at=now,
                    enrolment_id=enrolment_id)
    db.session.add(device)
    try:
        db.session.flush()
    except IntegrityError:  # the same enrolment sent twice at once: the other request made the device
        db.session.rollback()
        return _renew_token(enrolled_device(user, enrolment_id), user, token, device_name, now)
    record("enrol_device", "device", device.id, user=user, device_id=device.id, at=now, name=device_name)
    db.session.commit()
    return Enrolment(device, token, user)


def enrolled_device(user: User, enrolment_id: str | None) -> Device | None:
    """The user's live device already enrolled under this id; a revoked one gives its id up."""
    if not enrolment_id:
        return None
    device = db.session.scalar(select(Device).where(Device.user_id == user.id, Device.enrolment_id == enrolment_id))
    if device is not None and device.revoked_at is not None:
        device.enrolment_id = None
        db.session.flush()
        return None
    return device


def _renew_token(device: Device, user: User, token: str, device_name: str, now: datetime) -> Enrolment:
    device.token_hash, device.name = hash_token(token), device_name
    device.last_sync_at = now  # a renewed token is in use: its idle time starts again (TOURNEE_DEVICE_IDLE_DAYS)
    record("renew_device_token", "device", device.id, user=user, device_id=device.id, at=now, name=device_name)
    db.session.commit()
    return Enrolment(device, token, user)


def device_for_token(token: str | None, *, now: datetime | None = None,
                     idle_days: int | None = None) -> tuple[Device, User]:
    """The live device and its user for a bearer token; Unauthenticated otherwise. A token unused (no sync) for
    `idle_days` has expired: the tablet enrols again."""
    if not token or len(token) > 200:
        raise Unauthenticated("Authentification requise : jeton d'appareil absent.")
    row = db.session.execute(select(Device, User).join(User, User.id == Device.user_id)
                             .where(Device.token_hash == hash_token(token))).first()
    device, user = row if row else (None, None)
    if device is None or device.revoked_at is not None or not user.active:
        raise Unauthenticated("Appareil inconnu ou révoqué : enrôlez de nouveau la tablette.")
    if now is not None and idle_days and token_expired(device, now, idle_days):
        raise Unauthenticated(f"Jeton expiré : la tablette ne s'est pas synchronisée depuis plus de {idle_days} jours. "
                              "Enrôlez-la de nouveau.")
    return device, user


def token_expired(device: Device, now: datetime, idle_days: int) -> bool:
    last_use = as_utc(device.last_sync_at or device.created_at)
    return last_use is not None and now - last_use > timedelta(days=idle_days)


def revoke_device(device_id: int, *, by: User, now: datetime, from_device: int | None = None) -> Device:
    """Revoke a tablet: its token is refused from its next request on."""
    if by.role not in REVOKING_ROLES:
        raise Forbidden("Seuls un chef de section ou un administrateur révoquent une tablette.")
    device = scope.fetch(by, Device, device_id)  # a chief revokes only their utility's tablets
    if device.revoked_at is None:
        device.revoked_at = now
        record("revoke_device", "device", device.id, user=by, device_id=from_device, at=now)
        db.session.commit()
    return device


def record_telemetry(device: Device, headers, now: datetime) -> None:
    """Last sync time and what the tablet says of itself (malformed values are ignored).

    Within a minute of the last write, written again only when the app version or the number of reports
    waiting on the tablet changed (the office shows what is still to come); storage figures may lag."""
    values = {}
    version = headers.get("X-Tournee-App-Version")
    if version:
        values["app_version"] = version[:64]
    for column, header in (("queue_depth", "X-Tournee-Queue-Depth"), ("storage_used", "X-Tournee-Storage-Used"),
                           ("storage_quota", "X-Tournee-Storage-Quota")):
        raw = headers.get(header, "")
        if raw.isdigit() and int(raw) <= TELEMETRY_LIMITS[column]:
            values[column] = int(raw)
    last = as_utc(device.last_sync_at)
    fresh = last is not None and (now - last).total_seconds() < TELEMETRY_QUIET_SECONDS
    if fresh and all(values.get(key, getattr(device, key)) == getattr(device, key) for key in ("app_version", "queue_depth")):
        return  # nothing the office watches changed: a burst of identical requests costs no writes
    db.session.execute(update(Device).where(Device.id == device.id).values(last_sync_at=now, **values))
    db.session.commit()


def devices_of(user_id: int) -> list[Device]:
    """A technician's tablets, newest first (the office's device list)."""
    return list(db.session.scalars(select(Device).where(Device.user_id == user_id)
                                   .order_by(Device.created_at.desc())))


@dataclass(frozen=True)
class FieldTeamMember:
    user: User
    devices: list[Device]


def field_devices(viewer: User, page: PageRequest = FIRST_PAGE) -> Page[FieldTeamMember]:
    """The tablets the viewer answers for: a chief sees the field users of their utility, an admin all;
    one page of field users, with all their tablets."""
    query = select(User).where(User.role.in_(ENROLLING_ROLES)).order_by(User.role.desc(), User.name, User.id)
    if viewer.role == "chief" and viewer.utility:
        query = query.where(User.utility == viewer.utility)
    users = scalars_page(query, page)
    tablets: dict[int, list[Device]] = {user.id: [] for user in users}
    if tablets:
        for device in db.session.scalars(select(Device).where(Device.user_id.in_(tablets))
                                         .order_by(Device.created_at.desc(), Device.id.desc())):
            tablets[device.user_id].append(device)
    return Page([FieldTeamMember(user, tablets[user.id]) for user in users], users.number, users.has_next)
