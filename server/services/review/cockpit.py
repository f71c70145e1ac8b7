"""The reconciliation cockpit: the queue of synced reports with their flags, and the parsing of what
the office sends back (a drawn countersignature, a corrected answer)."""
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import func, or_, select

from ...blobs import BlobStore, sniffed_kind
from ...errors import DomainError, NotFound
from ...extensions import db
from ...models import Contract, Customer, Order, QuarantinedReport, Report, User
from ..base.scope import utility_of
from ..base.text_search import name_lookup, starts_with
from ..rules.checks import Flag
from ..rules.signatures import strokes_from_text  # noqa: F401  (the office countersignature reads it here)
from ..rules.paging import FIRST_PAGE, Page, PageRequest
from .arrivals import absorb_synced_reports
from .reports import ReportReview, in_utility, report_for, report_review, review_flags_of, versions_of

QUEUE_STATES = ("awaiting_blobs", "received", "countersigned")
QUEUE_PAGE_SIZE = 25  # each row runs the reconciliation checks of its report


@dataclass
class QueueRow:
    report: Report
    order: Order
    technician: User
    flags: list[Flag]
    customer: Customer | None = None

    @property
    def clean(self) -> bool:
        return not self.flags


def customers_of(orders: list[Order]) -> dict[int, Customer]:
    """Order id -> the account holder it is about: its contract's, else its point's latest contract's."""
    holders = {o.id: o.contract_id for o in orders if o.contract_id}
    unnamed = {o.delivery_point_id: o.id for o in orders if not o.contract_id}
    if unnamed:
        latest = {}
        for contract in db.session.scalars(select(Contract).where(Contract.delivery_point_id.in_(unnamed))
                                           .order_by(Contract.start_on)):
            latest[contract.delivery_point_id] = contract.id
        holders.update({o.id: latest[o.delivery_point_id] for o in orders
                        if not o.contract_id and o.delivery_point_id in latest})
    if not holders:
        return {}
    customer_of_contract = dict(db.session.execute(select(Contract.id, Contract.customer_id)
                                                   .where(Contract.id.in_(set(holders.values())))).all())
    customers = {c.id: c for c in db.session.scalars(select(Customer).where(
        Customer.id.in_(set(customer_of_contract.values()))))}
    return {order_id: customers[customer_of_contract[contract_id]] for order_id, contract_id in holders.items()}


def _matching(text: str):
    """Reports found by their order reference (from its start) or their customer's name, through indexes."""
    named = select(Contract.delivery_point_id).join(Customer, Contract.customer_id == Customer.id) \
        .where(name_lookup(Customer.last_name, text))
    return or_(starts_with(Order.ref, text.upper().replace(" ", "")), Order.delivery_point_id.in_(named))


def _queue_ids(user: User, states: tuple[str, ...], text: str = ""):
    """Ids of the reports of these states, oldest first, in the user's utility: a narrow query the page is
    cut from by the database (index reports(state, received_at, id))."""
    query = in_utility(select(Report.id).join(Order, Report.order_id == Order.id)
                       .where(Report.state.in_(states)).order_by(Report.received_at, Report.id), utility_of(user))
    if text:
        query = query.where(_matching(text))
    return query


def _queue_page_ids(user: User, first: str, text: str, page: PageRequest) -> list[int]:
    """The page's report ids (one more than it shows): those of the `first` state, then those of the other
    states together, each oldest first. Counted only when the page starts past the `first` ones."""
    ids = list(db.session.scalars(_queue_ids(user, (first,), text).offset(page.offset).limit(page.fetch)))
    if len(ids) < page.fetch:
        start = 0
        if not ids and page.offset:
            start = page.offset - db.session.scalar(
                select(func.count()).select_from(_queue_ids(user, (first,), text).order_by(None).subquery()))
        others = tuple(state for state in QUEUE_STATES if state != first)
        ids += db.session.scalars(_queue_ids(user, others, text).offset(start).limit(page.fetch - len(ids)))
    return ids


def review_queue(user: User, *, now: datetime, page: PageRequest = FIRST_PAGE, text: str = "") -> Page[QueueRow]:
    """Reports waiting for a countersignature or a decision, in the user's utility: what the user's role
    acts on first, then the others, each oldest first; one page of them. With `text`, only those whose
    order reference or customer matches."""
    absorb_synced_reports(now)
    first = "received" if user.role == "chief" else "countersigned"  # what this role acts on comes first
    ids = _queue_page_ids(user, first, " ".join(text.split()), page)
    found = {report.id: (report, order) for report, order in db.session.execute(
        select(Report, Order).join(Order, Report.order_id == Order.id).where(Report.id.in_(ids)))} if ids else {}
    pairs = [found[i] for i in ids]
    technicians = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({report.technician_id for report, _ in pairs})))} if pairs else {}
    flags = review_flags_of([report for report, _ in pairs])
    customers = customers_of([order for _, order in pairs])
    rows = [QueueRow(report, order, technicians.get(report.technician_id), flags[report.id], customers.get(order.id))
            for report, order in pairs]
    return Page.of(rows, page)


def kept_aside(user: User, limit: int = 50) -> list[tuple[QuarantinedReport, User | None]]:
    """Contents the sync kept aside (refused by the form, or a UUID re-sent with other content), newest
    first, for the technicians of the user's utility: never dropped, shown for a decision."""
    query = select(QuarantinedReport, User).outerjoin(User, QuarantinedReport.technician_id == User.id) \
        .order_by(QuarantinedReport.received_at.desc()).limit(limit)
    if user.role != "admin" and user.utility:
        query = query.where(User.utility == user.utility)
    return [(aside, technician) for aside, technician in db.session.execute(query)]


def review_of(report_id: int, *, user: User, now: datetime) -> ReportReview:
    """The report page, once whatever synced meanwhile (a tablet countersignature) is taken in."""
    report_for(report_id, user)
    absorb_synced_reports(now)
    return report_review(report_id)


def correction_of(report_id: int, field_id: str, text: str, user: User) -> dict:
    """{field: value} typed like the current answer (integer, yes/no, or text)."""
    answers = versions_of(report_for(report_id, user))[-1].content.get("answers") or {}
    if field_id not in answers:
        raise DomainError("Ce champ n'existe pas dans le compte-rendu.", {"field_id": ["Champ inconnu."]})
    current, text = answers[field_id], (text or "").strip()
    if isinstance(current, bool):
        if text.lower() not in ("oui", "non", "true", "false"):
            raise DomainError("Répondez oui ou non.", {"value": ["oui / non"]})
        return {field_id: text.lower() in ("oui", "true")}
    if isinstance(current, int):
        if not text.isdigit():
            raise DomainError("Un index est un nombre entier positif.", {"value": ["Nombre entier attendu."]})
        return {field_id: int(text)}
    if isinstance(current, str) or current is None:
        return {field_id: text}
    raise DomainError("Ce champ (photo, signature, liste) ne se corrige pas ici.", {"field_id": ["Non modifiable."]})


def blob_of_report(report_id: int, sha256: str, store: BlobStore, user: User) -> tuple[BinaryIO, str]:
    """A photo or signature, shown only through a report that names it: (stream, content type)."""
    report = report_for(report_id, user)
    named = {a.get("sha256") for v in versions_of(report) for a in v.content.get("attachments") or []}
    drawn = ((report.content.get("countersignature") or {}).get("signature") or {}).get("sha256")
    if sha256 not in named | {drawn} - {None} or not store.has(sha256):
        raise NotFound("Fichier introuvable pour ce compte-rendu (ou pas encore reçu du terminal).")
    with store.open(sha256) as head:  # its own handle: the one sent is untouched, at offset 0 for the OS too
        kind = sniffed_kind(head.read(16))  # (gunicorn's sendfile starts from the descriptor's offset)
    return store.open(sha256), f"image/{kind or 'jpeg'}"
