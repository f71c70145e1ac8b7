"""Watching the fleet of tablets: those silent for too long (oldest first), and the gauges the
metrics endpoint reads at each scrape (reports waiting per state, the oldest sync)."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import Device, Report, User

PER_PAGE = 50


@dataclass(frozen=True)
class SilentTablet:
    device: Device
    user: User
    silent_for: timedelta | None  # None: never synced since its enrolment


@dataclass(frozen=True)
class SilentPage:
    items: list[SilentTablet]
    total: int
    page: int
    pages: int
    older_than: timedelta


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes, written in UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def silent_tablets(viewer: User, *, now: datetime, older_than: timedelta, page: int = 1,
                   per_page: int = PER_PAGE) -> SilentPage:
    """Live tablets not synced for longer than `older_than` (never synced ones first), oldest first;
    a chief sees the tablets of their utility's users, an admin all."""
    limit = now - older_than
    query = (select(Device, User).join(User, User.id == Device.user_id)
             .where(Device.revoked_at.is_(None), User.active.is_(True),
                    or_(Device.last_sync_at.is_(None), Device.last_sync_at < limit)))
    if viewer.role == "chief" and viewer.utility:
        query = query.where(User.utility == viewer.utility)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.execute(query.order_by(Device.last_sync_at.is_not(None), Device.last_sync_at, Device.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    items = [SilentTablet(device, user, now - aware(device.last_sync_at) if device.last_sync_at else None)
             for device, user in rows]
    return SilentPage(items, total, page, pages, older_than)


def reports_per_state() -> dict[str, int]:
    return dict(db.session.execute(select(Report.state, func.count()).group_by(Report.state)).all())


def oldest_sync_age_seconds(now: datetime) -> float:
    """Seconds since the least recent sync of a live tablet that has synced at least once (0 when none)."""
    oldest = db.session.scalar(select(func.min(Device.last_sync_at)).where(Device.revoked_at.is_(None),
                                                                          Device.last_sync_at.is_not(None)))
    return max(0.0, (now - aware(oldest)).total_seconds()) if oldest else 0.0


def silent_count(now: datetime, older_than: timedelta) -> int:
    return db.session.scalar(select(func.count()).select_from(Device).where(
        Device.revoked_at.is_(None), or_(Device.last_sync_at.is_(None), Device.last_sync_at < now - older_than))) or 0
