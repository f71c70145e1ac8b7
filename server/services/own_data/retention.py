"""W24 over time: the personal data of customers gone longer than the retention are replaced by a pseudonym.

A customer is due when every one of their contracts ended more than `retention_days` ago and no invoice of
theirs is still to settle (W21). Amounts, dates, indexes, references and the field reports (sealed evidence,
never edited) stay as they are, so invoices add up and seals still verify; names, contacts, identity
documents, bank details, deposit payers, requesters and the messages sent to them go."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, insert, or_, select, update

from ...extensions import db
from ...models import AuditEntry, Communication, Contract, Customer, Dossier, Invoice, Order, Payment, User

PSEUDONYM = "Anonyme"
PURGED_TEXT = "(pseudonymisé)"
UNSETTLED = ("draft", "checked", "issued")
BATCH = 500


@dataclass
class PurgeResult:
    due: int
    listed: list[tuple[str, date]]  # (customer reference, last contract end) of the first ones
    pseudonymised: int


def _due_customers(today: date, retention_days: int):
    ended_before = today - timedelta(days=retention_days)
    has_contract = exists().where(Contract.customer_id == Customer.id)
    still_held = exists().where(Contract.customer_id == Customer.id,
                                or_(Contract.end_on.is_(None), Contract.end_on > ended_before))
    unsettled = exists().where(Invoice.customer_id == Customer.id, Invoice.state.in_(UNSETTLED))
    return and_(Customer.pseudonymised_at.is_(None), has_contract, ~still_held, ~unsettled)


def purge_personal_data(today: date, retention_days: int, *, now: datetime, dry_run: bool,
                        by: User | None = None, show: int = 50) -> PurgeResult:
    """List (dry run) or pseudonymise the customers due; commits batch by batch (a rerun finishes the job)."""
    if retention_days < 1:
        raise ValueError("retention_days must be positive")
    due = _due_customers(today, retention_days)
    last_end = select(Contract.end_on).where(Contract.customer_id == Customer.id) \
        .order_by(Contract.end_on.desc()).limit(1).scalar_subquery()
    listed = [(ref, end) for ref, end in db.session.execute(
        select(Customer.ref, last_end).where(due).order_by(Customer.id).limit(show))]
    count = db.session.scalar(select(db.func.count()).select_from(Customer).where(due))
    if dry_run:
        return PurgeResult(count, listed, 0)
    done = 0
    while ids := db.session.scalars(select(Customer.id).where(due).order_by(Customer.id).limit(BATCH)).all():
        _pseudonymise(ids, now, by, retention_days)
        db.session.commit()
        done += len(ids)
    return PurgeResult(count, listed, done)


def _pseudonymise(ids: list[int], now: datetime, by: User | None, retention_days: int) -> None:
    contracts = select(Contract.id).where(Contract.customer_id.in_(ids))
    invoices = select(Invoice.id).where(Invoice.customer_id.in_(ids))
    dossiers = select(Dossier.id).where(Dossier.customer_id.in_(ids))
    execute = db.session.execute
    execute(update(Customer).where(Customer.id.in_(ids)).values(
        title=None, last_name=PSEUDONYM, first_name=None, email=None, mobile=None, postal_address=None,
        identity_document=None, pseudonymised_at=now), execution_options={"synchronize_session": False})
    execute(update(Contract).where(Contract.customer_id.in_(ids)).values(
        iban=None, deposit_payer_name=None, deposit_payer_identity=None, billing_address=None),
        execution_options={"synchronize_session": False})
    execute(update(Invoice).where(Invoice.customer_id.in_(ids)).values(send_to=None),
            execution_options={"synchronize_session": False})
    execute(update(Payment).where(Payment.invoice_id.in_(invoices)).values(
        payee_name=None, payee_identity=None, iban=None), execution_options={"synchronize_session": False})
    execute(update(Order).where(Order.contract_id.in_(contracts)).values(
        requester_name=None, requester_identity=None), execution_options={"synchronize_session": False})
    execute(update(Communication).where(Communication.dossier_id.in_(dossiers)).values(
        recipient=PURGED_TEXT, body=PURGED_TEXT), execution_options={"synchronize_session": False})
    execute(insert(AuditEntry.__table__), [
        {"action": "pseudonymise", "object_type": "customer", "object_id": str(customer_id),
         "user_id": by.id if by else None, "device_id": None, "at": now,
         "details": {"retention_days": retention_days}} for customer_id in ids])
