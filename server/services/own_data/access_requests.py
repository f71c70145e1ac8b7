"""A right-of-access request (GDPR art. 15, W24): everything held on one customer, as plain data for JSON
and for the PDF."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from ...errors import NotFound
from ...extensions import db
from ...models import (Communication, Contract, Customer, DeliveryPoint, Dossier, Invoice, Meter, Order, Payment,
                       Reading, Report)
from ..base.audit import record
from ..closing.cashier import invoice_currencies
from ..rules.seals import signatures_of

READINGS_PER_METER = 200  # bounded: the history of the meters during the customer's contracts


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, *names) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def _utility_of(contracts: list[Contract], dossiers: list[Dossier]) -> str | None:
    """The utility holding the customer's data: its contracts', else its dossiers' (a prospect)."""
    utilities = [c.point.commune.utility for c in contracts] + [d.utility for d in dossiers]
    return utilities[0] if utilities else None


def _kept_evidence(report: Report, order_ref: str) -> dict:
    """What a field report keeps of the customer: how many photos, who signed (never the images' hashes)."""
    photos = [a for a in report.content.get("attachments") or [] if a.get("kind") == "photo"]
    return {"order": order_ref, "received_at": _plain(report.received_at), "outcome": report.outcome,
            "photos": len(photos), "signers": [s.get("signer_name") for s in signatures_of(report.content)]}


def customer_record(customer_id: int, *, by=None, now: datetime) -> dict:
    """Everything held on the customer, sections in the order of the PDF; the request is audited."""
    customer = db.session.get(Customer, customer_id) if 0 < customer_id < 2**31 else None
    if customer is None:
        raise NotFound("Client introuvable.")
    contracts = db.session.scalars(select(Contract).where(Contract.customer_id == customer.id)
                                   .order_by(Contract.start_on)).all()
    points = {c.delivery_point_id: db.session.get(DeliveryPoint, c.delivery_point_id) for c in contracts}
    readings = []
    for contract in contracts:
        for meter in db.session.scalars(select(Meter).where(Meter.delivery_point_id == contract.delivery_point_id)):
            query = select(Reading).where(Reading.meter_id == meter.id, Reading.read_on >= contract.start_on)
            if contract.end_on:
                query = query.where(Reading.read_on <= contract.end_on)
            readings += [{"meter": meter.serial, **_row(r, "read_on", "index", "source", "billed")}
                         for r in db.session.scalars(query.order_by(Reading.read_on).limit(READINGS_PER_METER))]
    invoices = db.session.scalars(select(Invoice).where(Invoice.customer_id == customer.id).order_by(Invoice.id)).all()
    currency_of = invoice_currencies(invoices)  # a payment's amount is in its invoice's currency
    payments = db.session.scalars(select(Payment).where(Payment.invoice_id.in_([i.id for i in invoices]))
                                  .order_by(Payment.id)).all() if invoices else []
    dossiers = db.session.scalars(select(Dossier).where(Dossier.customer_id == customer.id).order_by(Dossier.id)).all()
    dossier_ids = [d.id for d in dossiers]
    communications = db.session.scalars(select(Communication).where(Communication.dossier_id.in_(dossier_ids))
                                        .order_by(Communication.id)).all() if dossier_ids else []
    orders = db.session.scalars(select(Order).where(Order.contract_id.in_([c.id for c in contracts]))
                                .order_by(Order.id)).all() if contracts else []
    order_refs = {o.id: o.ref for o in orders}
    reports = db.session.scalars(select(Report).where(Report.order_id.in_(list(order_refs)))
                                 .order_by(Report.received_at, Report.id)).all() if orders else []
    record("access_request", "customer", customer.id, user=by, at=now)
    db.session.commit()
    return {
        "generated_at": now.isoformat(),
        "utility": _utility_of(contracts, dossiers),
        "customer": _row(customer, "ref", "kind", "status", "title", "last_name", "first_name", "email", "mobile",
                         "postal_address", "identity_document", "created_at", "pseudonymised_at"),
        "contracts": [{"point": points[c.delivery_point_id].ref, **_row(
            c, "number", "service", "voltage", "start_on", "end_on", "state", "prepaid_until", "direct_debit", "iban",
            "deposit_amount", "deposit_payer_name", "deposit_payer_identity", "billing_address"),
            "currency": c.point.commune.currency} for c in contracts],
        "points": [_row(p, "ref", "address", "kind", "state", "closed_on") for p in points.values()],
        "readings": readings,
        "invoices": [{**_row(i, "number", "kind", "state", "issued_on", "period_start", "period_end", "total",
                             "send_to", "reading_index", "reading_date", "reading_source", "paid_on"),
                      "currency": currency_of[i.id]} for i in invoices],
        "payments": [{**_row(p, "direction", "amount", "method", "payee_name", "payee_identity", "iban", "at"),
                      "currency": currency_of[p.invoice_id]} for p in payments],
        "dossiers": [_row(d, "ref", "type", "state", "created_at") for d in dossiers],
        "orders": [_row(o, "ref", "type", "state", "planned_date", "requester_name", "requester_identity")
                   for o in orders],
        "reports": [_kept_evidence(r, order_refs[r.order_id]) for r in reports],
        "communications": [_row(c, "channel", "recipient", "subject", "body", "created_at") for c in communications],
    }
