"""Reference data administered in the office (DESIGN §10): communes, their services and travel fee, and
their tariffs with validity dates. Every change is audited; a tariff is never edited, a new one takes over
from its date, so nothing already issued changes (invoices keep their own lines)."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from ...errors import DomainError, NotFound
from ...extensions import db
from ...models import Commune, Tariff, User
from ..base.audit import record

PAGE = 50
EDITABLE = ("name", "runs_water", "runs_sewage", "runs_electricity", "travel_fee_allowed", "travel_fee_amount",
            "water_manager")


@dataclass
class CommunePage:
    communes: list[Commune]
    next_after: str | None


def list_communes(after: str | None = None) -> CommunePage:
    """A page of communes by code (keyset paging on the unique code)."""
    query = select(Commune).order_by(Commune.code).limit(PAGE + 1)
    if after:
        query = query.where(Commune.code > after)
    rows = db.session.scalars(query).all()
    return CommunePage(rows[:PAGE], rows[PAGE - 1].code if len(rows) > PAGE else None)


def commune_with_tariffs(commune_id: int) -> tuple[Commune, list[Tariff]]:
    commune = db.session.get(Commune, commune_id) if 0 < commune_id < 2**31 else None
    if commune is None:
        raise NotFound("Commune introuvable.")
    tariffs = db.session.scalars(select(Tariff).where(Tariff.commune_id == commune.id)
                                 .order_by(Tariff.service, Tariff.valid_from.desc())).all()
    return commune, tariffs


def update_commune(commune_id: int, changes: dict, *, by: User, now: datetime) -> Commune:
    """Change a commune's services, travel fee or water manager (W1, W4); audited with old and new values."""
    commune, _ = commune_with_tariffs(commune_id)
    merged = {name: changes.get(name, getattr(commune, name)) for name in EDITABLE}
    if not (merged["runs_water"] or merged["runs_sewage"] or merged["runs_electricity"]):
        raise DomainError("Une commune doit avoir au moins un service (eau, assainissement ou électricité).")
    if merged["travel_fee_allowed"] and not merged["travel_fee_amount"]:
        raise DomainError("Indiquez le montant des frais de déplacement autorisés.")
    if merged["runs_sewage"] and not merged["runs_water"] and not merged["runs_electricity"] \
            and not merged["water_manager"]:
        raise DomainError("Commune en assainissement seul : indiquez le gestionnaire de l'eau (W1).")
    before = {name: getattr(commune, name) for name in EDITABLE}
    diff = {name: [str(before[name]), str(merged[name])] for name in EDITABLE if before[name] != merged[name]}
    if diff:
        for name in EDITABLE:
            setattr(commune, name, merged[name])
        record("update_commune", "commune", commune.id, user=by, at=now, changes=diff)
        db.session.commit()
    return commune


def add_tariff(commune_id: int, *, service: str, valid_from: date, unit_price: Decimal,
               subscription_per_year: Decimal, vat_rate: Decimal, by: User, now: datetime, today: date) -> Tariff:
    """A new tariff from a date on; never before today (what was computed stays as computed)."""
    commune, tariffs = commune_with_tariffs(commune_id)
    if not getattr(commune, f"runs_{service}", False):
        raise DomainError("La commune n'assure pas ce service.")
    if valid_from < today:
        raise DomainError("Un nouveau tarif s'applique à partir d'aujourd'hui au plus tôt, jamais rétroactivement.")
    if any(t.service == service and t.valid_from == valid_from for t in tariffs):
        raise DomainError("Un tarif de ce service commence déjà à cette date.")
    if unit_price < 0 or subscription_per_year < 0 or not 0 <= vat_rate < 1:
        raise DomainError("Prix et abonnement positifs, taux de TVA entre 0 et 1 (ex. 0,055).")
    tariff = Tariff(commune_id=commune.id, service=service, valid_from=valid_from, unit_price=unit_price,
                    subscription_per_year=subscription_per_year, vat_rate=vat_rate)
    db.session.add(tariff)
    db.session.flush()
    record("add_tariff", "tariff", tariff.id, user=by, at=now, commune=commune.code, service=service,
           valid_from=valid_from.isoformat(), unit_price=str(unit_price),
           subscription_per_year=str(subscription_per_year), vat_rate=str(vat_rate))
    db.session.commit()
    return tariff
