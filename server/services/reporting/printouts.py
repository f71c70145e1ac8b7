"""Printouts: the plain dataclasses of server.documents built from the database, and their PDFs."""
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...blobs import BlobStore
from ...documents import (ContractDocument, InvoiceDocument, InvoiceLine, LetterDocument, OrderDocument,
                         ReportAnswer, ReportDocument,
                         ReportPhoto, ReportSignature, render_invoice_pdf, render_letter_pdf, render_orders_pdf,
                         render_contract_pdf, render_report_pdf)
from ...errors import Forbidden, NotFound
from ...extensions import db
from ...local_time import in_utility_zone
from ...models import (Commune, Contract, Customer, DeliveryPoint, Dossier, Invoice, Letter, Order, Reading, User)
from ..base.accounts import serves_utility
from ..closing.invoices import tariff_in_force
from ..field.planning import plan_map
from ..review.reports import report_review
from ..rules.seals import signatures_of

OUTCOME_LABELS = {"done": "Réalisé", "absent": "Client absent", "no_access": "Pas d'accès au compteur",
                  "refused": "Refus", "anomaly": "Anomalie"}
PRINTABLE_STATES = ("issued", "assigned", "reported", "countersigned", "closed")


def get_or_404(model, object_id: int, message: str):
    found = db.session.get(model, object_id)
    if found is None:
        raise NotFound(message)
    return found


def check_utility(user: User, utility: str) -> None:
    """Office users see the documents of their own utility (an admin sees both)."""
    if not serves_utility(user, utility):
        raise Forbidden("Ce document relève de l'autre service.")


def order_documents(orders: list[Order], base_url: str) -> list[OrderDocument]:
    """The printable orders, with what they need fetched in a few queries whatever their number."""
    meter_ids = {o.meter_id for o in orders if o.meter_id}
    previous: dict[int, Reading] = {}
    for reading in db.session.scalars(select(Reading).where(Reading.meter_id.in_(meter_ids), Reading.source != "estimated")
                                      .order_by(Reading.read_on.desc(), Reading.id.desc())):
        previous.setdefault(reading.meter_id, reading)
    users = by_id(User, {o.assignee_id for o in orders if o.assignee_id})
    dossiers = by_id(Dossier, {o.dossier_id for o in orders if o.dossier_id})
    return [order_document(o, base_url, previous.get(o.meter_id), users.get(o.assignee_id), dossiers.get(o.dossier_id))
            for o in orders]


def by_id(model, ids: set[int]) -> dict:
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def order_document(order: Order, base_url: str, previous: Reading | None, assignee: User | None,
                   dossier: Dossier | None) -> OrderDocument:
    """E2: what the printed order says, the QR code opening it in the tablet app."""
    point, meter = order.point, order.meter
    window = None
    if order.window_start and order.window_end:
        window = f"{order.window_start:%H:%M} – {order.window_end:%H:%M}"
    return OrderDocument(
        ref=order.ref, type_label=order.label, utility=point.commune.utility,
        app_url=f"{base_url.rstrip('/')}/app/#/orders/{order.id}", address=point.address, commune=point.commune.name,
        point_ref=point.ref, planned_date=order.planned_date, window=window, code=order.code,
        meter_serial=meter.serial if meter else None, dials=meter.dials if meter else None,
        reading_mode=meter.reading_mode if meter else None, previous_index=previous.index if previous else None,
        previous_date=previous.read_on if previous else None, assignee=assignee.name if assignee else None,
        dossier_ref=dossier.ref if dossier else None, access_notes=point.access_notes, instructions=order.instructions,
        travel_fee=order.travel_fee, requester_name=order.requester_name, requester_identity=order.requester_identity)


def order_pdf(order_id: int, *, base_url: str, user: User) -> tuple[str, bytes]:
    """E2: one printable order, with its QR code and the requester's signature box."""
    order = get_or_404(Order, order_id, "Ordre d'intervention introuvable.")
    check_utility(user, order.point.commune.utility)
    return f"{order.ref}.pdf", render_orders_pdf(order_documents([order], base_url), title=f"Ordre {order.ref}")


def orders_of_day(day: date, user: User) -> list[Order]:
    """The day's orders of the user's utility, by technician and round position."""
    query = (select(Order).join(DeliveryPoint, Order.delivery_point_id == DeliveryPoint.id).join(Commune)
             .where(Order.planned_date == day, Order.state.in_(PRINTABLE_STATES))
             .order_by(Order.assignee_id, Order.round_position, Order.id)
             .options(selectinload(Order.point).selectinload(DeliveryPoint.commune), selectinload(Order.meter)))
    if user.role != "admin" and user.utility:
        query = query.where(Commune.utility == user.utility)
    return list(db.session.scalars(query))


def day_orders_pdf(day: date, *, base_url: str, user: User) -> tuple[str, bytes]:
    """The batch print of a day's orders: the map of the day's rounds, then one page per order."""
    orders = orders_of_day(day, user)
    documents = order_documents(orders, base_url)
    drawn = None
    if len({o.point.commune.utility for o in orders}) == 1:  # one map per utility: an admin's mixed batch has none
        drawn = plan_map(orders, sorted(by_id(User, {o.assignee_id for o in orders if o.assignee_id}).values(),
                                        key=lambda u: u.name))
    return f"ordres-{day.isoformat()}.pdf", render_orders_pdf(documents, title=f"Ordres du {day:%d/%m/%Y}", day_map=drawn)


def invoice_document(invoice: Invoice) -> InvoiceDocument:
    contract = db.session.get(Contract, invoice.contract_id)
    customer = db.session.get(Customer, invoice.customer_id)  # on E4, the successor's own invoice
    commune = contract.point.commune
    return InvoiceDocument(
        number=invoice.number, kind=invoice.kind, state=invoice.state, utility=commune.utility,
        currency=commune.currency, customer_name=customer.display_name, send_to=invoice.send_to or "",
        contract_number=contract.number, premises=f"{contract.point.address}, {commune.name}", total=invoice.total,
        lines=[InvoiceLine(line["label"], line["quantity"], line["unit"], line["unit_price"], line["amount"])
               for line in invoice.lines or []],
        issued_on=invoice.issued_on, period_start=invoice.period_start, period_end=invoice.period_end,
        reading_index=invoice.reading_index, reading_date=invoice.reading_date,
        reading_source=invoice.reading_source, direct_debit=invoice.direct_debit,
        deposit_payer=contract.deposit_payer_name if invoice.total < 0 else None)


def invoice_pdf(invoice_id: int, *, user: User) -> tuple[str, bytes]:
    invoice = get_or_404(Invoice, invoice_id, "Facture introuvable.")
    document = invoice_document(invoice)
    check_utility(user, document.utility)
    return f"{invoice.number}.pdf", render_invoice_pdf(document)


def contract_pdf(contract_id: int, *, user: User) -> tuple[str, bytes]:
    """E4: the new contract printed for the successor (and any contract on request)."""
    contract = get_or_404(Contract, contract_id, "Contrat introuvable.")
    point, commune = contract.point, contract.point.commune
    check_utility(user, commune.utility)
    tariff = tariff_in_force(commune.id, contract.service, contract.start_on)
    meter = next((m for m in point.meters if m.removed_on is None), None)
    start = None if meter is None else db.session.scalar(
        select(Reading.index).where(Reading.meter_id == meter.id, Reading.read_on == contract.start_on))
    customer = contract.customer
    document = ContractDocument(
        number=contract.number, utility=commune.utility, service=contract.service, customer_name=customer.display_name,
        customer_address=contract.billing_address or customer.postal_address or point.address,
        premises=f"{point.address}, {commune.name}", point_ref=point.ref, start_on=contract.start_on,
        currency=commune.currency, unit_price=tariff.unit_price, subscription_per_year=tariff.subscription_per_year,
        voltage=contract.voltage, meter_serial=meter.serial if meter else None, start_index=start,
        deposit_amount=contract.deposit_amount or 0, deposit_payer=contract.deposit_payer_name,
        direct_debit=contract.direct_debit, iban_end=contract.iban[-4:] if contract.iban else None)
    return f"contrat-{contract.number}.pdf", render_contract_pdf(document)


def letters_to_print(user: User, limit: int = 100) -> list[tuple[Letter, DeliveryPoint | None]]:
    """W19: the latest 1-70 letters (made by the timers) with their premises, in the user's utility."""
    query = (select(Letter, DeliveryPoint).outerjoin(DeliveryPoint, Letter.delivery_point_id == DeliveryPoint.id)
             .outerjoin(Commune, DeliveryPoint.commune_id == Commune.id)
             .order_by(Letter.created_at.desc(), Letter.id.desc()).limit(limit))
    if user.role != "admin" and user.utility:
        query = query.where(or_(Commune.utility == user.utility, Commune.id.is_(None)))
    return [(letter, point) for letter, point in db.session.execute(query)]


def letter_pdf(letter_id: int, *, user: User) -> tuple[str, bytes]:
    """W19: the 1-70 letter to the new occupant of a vacant dwelling."""
    letter = get_or_404(Letter, letter_id, "Courrier introuvable.")
    point = db.session.get(DeliveryPoint, letter.delivery_point_id) if letter.delivery_point_id else None
    dossier = db.session.get(Dossier, letter.dossier_id) if letter.dossier_id else None
    utility = point.commune.utility if point else "water"
    check_utility(user, utility)
    meter = next((m for m in point.meters if m.removed_on is None), None) if point else None
    document = LetterDocument(
        reference=f"{letter.kind} / {dossier.ref if dossier else letter.id}", utility=utility,
        addressee=letter.addressee, address=letter.address, dated=letter.created_at.date(),
        point_ref=point.ref if point else "—", meter_serial=meter.serial if meter else None)
    return f"courrier-{letter.kind}-{letter.id}.pdf", render_letter_pdf(document)


def answer_text(field: dict, value, labels: dict) -> str | None:
    """An answer as a French sentence; photos and signatures print in their own sections."""
    kind = field.get("type")
    if kind in ("photo", "signature") or value is None:
        return None
    if kind == "boolean":
        return "oui" if value else "non"
    if kind == "choice":
        return {o["value"]: o["label"] for o in field.get("options", [])}.get(value, str(value))
    if kind == "checklist":
        steps = {s["id"]: s["label"] for s in field.get("steps", [])}
        return " ; ".join(f"{n}. {steps.get(step, step)}" for n, step in enumerate(value, 1)) or "aucune étape"
    if kind == "person" and isinstance(value, dict):
        return ", ".join(str(value[k]) for k in ("name", "phone", "email") if value.get(k))
    return str(value)


def parsed_moment(text) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def read_blob(store: BlobStore | None, sha256: str | None) -> bytes | None:
    if not store or not sha256 or not store.has(sha256):
        return None
    with store.open(sha256) as handle:
        return handle.read()


def report_document(report_id: int, store: BlobStore | None) -> ReportDocument:
    """E7, E11: the report as it stands now (current version), with its seal re-verified."""
    review = report_review(report_id)
    content, report = review.current.content, review.report
    fields = {f["id"]: f for f in (review.definition or {}).get("fields", [])}
    answers = content.get("answers") or {}
    rows = [(fields.get(k, {"id": k}), v) for k, v in answers.items()]
    texts = [ReportAnswer(field.get("label", field["id"]), text) for field, value in rows
             if (text := answer_text(field, value, review.labels)) is not None]
    photos = [ReportPhoto(review.labels.get(name, name), sha, read_blob(store, sha)) for name, sha in review.photos]
    signatures = [ReportSignature(review.labels.get(s["field"], s["field"]), s.get("signer_name") or "—",
                                  s.get("strokes") or [], read_blob(store, s.get("sha256")), report.device_time)
                  for s in signatures_of(content)]
    seal = review.seals[-1] if review.seals else None
    counter = None
    if seal is not None:
        cs = seal.countersignature
        counter = ReportSignature("Contresignature du chef de section", cs.signature.get("signer_name") or seal.chief.name,
                                  cs.signature.get("strokes") or [], read_blob(store, cs.signature.get("sha256")),
                                  in_utility_zone(cs.signed_at, review.point.commune.utility))
    position = content.get("position") or {}
    current = review.current
    return ReportDocument(
        order_ref=review.order.ref, order_type_label=review.order.label, utility=review.point.commune.utility,
        report_uuid=report.uuid, technician=review.technician.name,
        outcome_label=outcome_label(review.definition, content.get("outcome")),
        address=f"{review.point.address}, {review.point.commune.name}", content_sha256=current.content_sha256,
        version=current.number, version_note=(f"{current.author.name} : {current.reason}" if current.author else None),
        reason=reason_label(review.definition, content.get("outcome"), content.get("reason_code")),
        point_ref=review.point.ref,
        meter_serial=review.meter.serial if review.meter else None, device_time=report.device_time,
        started_at=parsed_moment(content.get("started_at")), finished_at=parsed_moment(content.get("finished_at")),
        received_at=in_utility_zone(report.received_at, review.point.commune.utility), position=(f"{position['lat']}, {position['lon']}" if position.get("lat") is not None
                                                  else None),
        answers=texts, photos=photos, signatures=signatures, countersignature=counter,
        seal_sha256=seal.countersignature.seal_sha256 if seal else None,
        seal_verifies=review.verifies if seal else None, flags=[f.message for f in review.flags])


def outcome_label(definition: dict | None, outcome: str | None) -> str:
    """The outcome as the form words it (e.g. "Coupure effectuée"), else the generic French label."""
    for item in (definition or {}).get("outcomes", []):
        if item.get("code") == outcome:
            return item.get("label") or OUTCOME_LABELS.get(outcome, outcome)
    return OUTCOME_LABELS.get(outcome, outcome or "—")


def reason_label(definition: dict | None, outcome: str | None, code: str | None) -> str | None:
    if not code:
        return None
    for item in (definition or {}).get("outcomes", []):
        if item.get("code") == outcome:
            return next((r["label"] for r in item.get("reasons", []) if r.get("code") == code), code)
    return code


def report_pdf(report_id: int, *, store: BlobStore | None, user: User) -> tuple[str, bytes]:
    document = report_document(report_id, store)
    check_utility(user, document.utility)
    return f"compte-rendu-{document.order_ref}.pdf", render_report_pdf(document)
