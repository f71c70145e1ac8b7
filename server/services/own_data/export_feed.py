"""The export feed for the billing system: what changed since an opaque cursor, one kind at a time, read by
an integration client with its own token and scope; the office downloads the same rows as CSV."""
import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...errors import DomainError, Forbidden
from ...extensions import db
from ...models import (Contract, Customer, DeliveryPoint, ExportEvent, IntegrationClient, Invoice, Meter, Payment,
                       Reading)
from ...models.exports import EXPORT_KINDS
from ..base.audit import record
from ..base.spreadsheets import excel_csv
from ..field.devices import Unauthenticated, hash_token
from ..rules.iban import mask_iban

OBJECT_TYPE = {"readings": "readings", "terminations": "contracts", "invoices": "invoices", "points": "points",
               "payments": "payments"}
PAGE_MAX = 1000
CURSOR_VERSION = 1


class InvalidExportCursor(DomainError):
    status = 400
    code = "invalid_cursor"


@dataclass
class ExportPage:
    kind: str
    items: list[dict]
    cursor: str
    more: bool


def create_integration_client(name: str, scopes: list[str], *, by=None, now: datetime) -> str:
    """A new client; its token (shown once, stored hashed)."""
    unknown = sorted(set(scopes) - set(EXPORT_KINDS))
    if unknown or not scopes:
        raise DomainError(f"Portée inconnue : {', '.join(unknown) or 'aucune'} (valeurs : {', '.join(EXPORT_KINDS)}).")
    if db.session.scalar(select(IntegrationClient.id).where(IntegrationClient.name == name)):
        raise DomainError(f"Le client d'intégration {name} existe déjà.")
    token = secrets.token_urlsafe(32)
    client = IntegrationClient(name=name, token_hash=hash_token(token), scopes=sorted(set(scopes)), created_at=now)
    db.session.add(client)
    db.session.flush()
    record("create_integration_client", "integration_client", client.id, user=by, at=now, scopes=client.scopes)
    db.session.commit()
    return token


def client_for_token(token: str | None, kind: str) -> IntegrationClient:
    """The live client of this bearer token, allowed to read KIND; 401 or 403 otherwise. A tablet's token
    is no client's token."""
    if not token or len(token) > 200:
        raise Unauthenticated("Authentification requise : jeton d'intégration absent.")
    client = db.session.scalar(select(IntegrationClient).where(IntegrationClient.token_hash == hash_token(token)))
    if client is None or client.revoked_at is not None:
        raise Unauthenticated("Jeton d'intégration inconnu ou révoqué.")
    if kind not in client.scopes:
        raise Forbidden(f"Ce client d'intégration n'a pas accès à l'export « {kind} ».")
    return client


def export_page(kind: str, cursor: str | None, limit: int) -> ExportPage:
    """The objects of KIND changed after the cursor, in commit order, as they are now."""
    if kind not in EXPORT_KINDS:
        raise DomainError(f"Export inconnu : {kind}.")
    after = _decode(cursor, kind)
    limit = max(1, min(limit, PAGE_MAX))
    events = db.session.execute(select(ExportEvent.seq, ExportEvent.object_id).where(
        ExportEvent.object_type == OBJECT_TYPE[kind], ExportEvent.seq > after)
        .order_by(ExportEvent.seq).limit(limit + 1)).all()
    more = len(events) > limit
    events = events[:limit]
    last_seq = {object_id: seq for seq, object_id in events}  # an object twice in a page: its last change
    rendered = RENDERERS[kind](list(last_seq))
    items = [dict(rendered[object_id], change=seq) for object_id, seq in sorted(last_seq.items(), key=lambda i: i[1])
             if object_id in rendered]
    return ExportPage(kind, items, _encode(kind, events[-1][0] if events else after), more)


def export_rows_since(kind: str, since: datetime, limit: int = 100_000) -> list[dict]:
    """The office's CSV: the objects of KIND changed since a moment (bounded)."""
    ids = db.session.scalars(select(ExportEvent.object_id).where(
        ExportEvent.object_type == OBJECT_TYPE[kind], ExportEvent.at >= since)
        .order_by(ExportEvent.seq).limit(limit)).all()
    unique = list(dict.fromkeys(ids))
    rendered = RENDERERS[kind](unique)
    return [rendered[i] for i in unique if i in rendered]


def _encode(kind: str, seq: int) -> str:
    raw = json.dumps({"v": CURSOR_VERSION, "k": kind, "seq": seq}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(token: str | None, kind: str) -> int:
    if not token:
        return 0
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if payload["v"] == CURSOR_VERSION and payload["k"] == kind and isinstance(payload["seq"], int) \
                and payload["seq"] >= 0:
            return payload["seq"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        pass
    raise InvalidExportCursor("Curseur invalide : reprenez sans curseur ou avec celui de la dernière page.")


def _iso(value):
    return value.isoformat() if value is not None else None


def _amount(value):
    return None if value is None else str(value)


def _readings(ids: list[int]) -> dict:
    rows = db.session.execute(select(Reading, Meter.serial, DeliveryPoint.ref)
                              .join(Meter, Meter.id == Reading.meter_id)
                              .join(DeliveryPoint, DeliveryPoint.id == Meter.delivery_point_id)
                              .where(Reading.id.in_(ids)))
    return {r.id: {"id": r.id, "meter": serial, "point": point, "read_on": _iso(r.read_on), "index": r.index,
                   "source": r.source, "billed": r.billed,
                   "evidence": f"/api/v1/exports/evidence/{r.photo_sha256}" if r.photo_sha256 else None}
            for r, serial, point in rows}


def _terminations(ids: list[int]) -> dict:
    rows = db.session.execute(select(Contract, Customer.ref, DeliveryPoint.ref)
                              .join(Customer, Customer.id == Contract.customer_id)
                              .join(DeliveryPoint, DeliveryPoint.id == Contract.delivery_point_id)
                              .where(Contract.id.in_(ids), Contract.end_on.is_not(None)))
    found = {}
    for contract, customer, point in rows:
        closing = db.session.execute(select(Invoice.reading_index, Invoice.reading_date).where(
            Invoice.contract_id == contract.id, Invoice.kind.in_(("closing", "balance")),
            Invoice.state != "cancelled").order_by(Invoice.id.desc()).limit(1)).first()
        found[contract.id] = {"contract": contract.number, "customer": customer, "point": point,
                              "service": contract.service, "state": contract.state, "end_on": _iso(contract.end_on),
                              "end_index": closing.reading_index if closing else None,
                              "end_index_on": _iso(closing.reading_date) if closing else None,
                              "fully_terminated_on": _iso(contract.fully_terminated_on)}
    return found


def _invoices(ids: list[int]) -> dict:
    rows = db.session.execute(select(Invoice, Contract.number, Customer.ref)
                              .join(Contract, Contract.id == Invoice.contract_id)
                              .join(Customer, Customer.id == Invoice.customer_id).where(Invoice.id.in_(ids)))
    return {i.id: {"number": i.number, "kind": i.kind, "state": i.state, "contract": contract, "customer": customer,
                   "issued_on": _iso(i.issued_on), "period_start": _iso(i.period_start),
                   "period_end": _iso(i.period_end), "total": _amount(i.total), "travel_fee": i.travel_fee,
                   "direct_debit": i.direct_debit, "reading_index": i.reading_index,
                   "reading_date": _iso(i.reading_date), "reading_source": i.reading_source,
                   "lines": i.lines or [], "paid_on": _iso(i.paid_on)}
            for i, contract, customer in rows}


def _points(ids: list[int]) -> dict:
    rows = db.session.scalars(select(DeliveryPoint).where(DeliveryPoint.id.in_(ids)))
    return {p.id: {"point": p.ref, "kind": p.kind, "state": p.state, "closed_on": _iso(p.closed_on)} for p in rows}


def _payments(ids: list[int]) -> dict:
    rows = db.session.execute(select(Payment, Invoice.number).join(Invoice, Invoice.id == Payment.invoice_id)
                              .where(Payment.id.in_(ids)))
    return {p.id: {"id": p.id, "invoice": number, "direction": p.direction, "amount": _amount(p.amount),
                   "method": p.method, "at": _iso(p.at), "payee": p.payee_name,
                   "account": mask_iban(p.iban) if p.iban else None} for p, number in rows}


RENDERERS = {"readings": _readings, "terminations": _terminations, "invoices": _invoices, "points": _points,
             "payments": _payments}


CSV_COLUMNS = {
    "readings": [("meter", "compteur"), ("point", "point"), ("read_on", "date"), ("index", "index"),
                 ("source", "source"), ("billed", "facturé"), ("evidence", "justificatif")],
    "terminations": [("contract", "contrat"), ("customer", "client"), ("point", "point"), ("service", "service"),
                     ("state", "état"), ("end_on", "date_fin"), ("end_index", "index_fin"),
                     ("end_index_on", "date_index_fin"), ("fully_terminated_on", "résilié_totalement_le")],
    "invoices": [("number", "facture"), ("kind", "type"), ("state", "état"), ("contract", "contrat"),
                 ("customer", "client"), ("issued_on", "émise_le"), ("period_start", "début_période"),
                 ("period_end", "fin_période"), ("total", "total"), ("reading_index", "index"),
                 ("reading_date", "date_index"), ("reading_source", "source_index"), ("lines", "lignes"),
                 ("paid_on", "payée_le")],
    "points": [("point", "point"), ("kind", "nature"), ("state", "état"), ("closed_on", "date_fermeture")],
    "payments": [("invoice", "facture"), ("direction", "sens"), ("amount", "montant"), ("method", "moyen"),
                 ("at", "le"), ("payee", "bénéficiaire"), ("account", "compte")],
}


def export_csv(kind: str, since: datetime) -> bytes:
    """The office's CSV of KIND changed since a moment: `;`, UTF-8 BOM, formula-safe (the same writer as the
    office's other exports)."""
    if kind not in CSV_COLUMNS:
        raise DomainError(f"Export inconnu : {kind}.")
    columns = CSV_COLUMNS[kind]
    rows = export_rows_since(kind, since)
    return excel_csv([label for _, label in columns],
                     ([_csv_value(row[name]) for name, _ in columns] for row in rows))


def _csv_value(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return " | ".join(f"{line.get('label', '')} : {line.get('amount', '')}" if isinstance(line, dict) else str(line)
                          for line in value)
    return value
