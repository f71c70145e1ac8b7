"""Invoice-reliability control (controller role, E11): closing and balance invoices built from field
readings go draft -> checked -> issued, or are refused; removal reports sent to control are looked at."""
from datetime import datetime

from ...errors import IllegalTransition, NotFound
from ...extensions import db
from ...models import Contract, Invoice, Task, User
from ..base import scope
from ..base.audit import record
from .invoices import STATE_LABELS, InvoiceView, cancel_invoice, get_invoice

CONTROL_STEPS = {"check": ("draft", "checked"), "issue": ("checked", "issued")}


def invoices_to_control(user: User) -> list[InvoiceView]:
    """Closing and balance invoices built from field readings, waiting for the controller (draft, checked)."""
    query = (scope.visible(user, Invoice).where(Invoice.state.in_(("draft", "checked")))
             .order_by(Invoice.created_at, Invoice.id).limit(500))
    return [InvoiceView(i, db.session.get(Contract, i.contract_id)) for i in db.session.scalars(query)]


def removal_reports_to_control(user: User) -> list[Task]:
    """E11: removal reports sent to invoice-reliability control (tasks of the controller role, of the user's
    utility)."""
    return list(db.session.scalars(scope.visible(user, Task).where(Task.role == "controller", Task.state == "open")
                                   .order_by(Task.due_on, Task.id).limit(500)))


def control_invoice(invoice_id: int, step: str, *, user: User, now: datetime) -> Invoice:
    """Move an invoice one step of its control: draft -> checked -> issued. Commits."""
    invoice = get_invoice(invoice_id)
    before, after = CONTROL_STEPS[step]
    if invoice.state != before:
        raise IllegalTransition(f"La facture {invoice.number} est « {STATE_LABELS[invoice.state]} » : "
                                f"impossible de la passer à « {STATE_LABELS[after]} ».")
    invoice.state = after
    if after == "issued":
        invoice.issued_on = now.date()
    record(f"{step}_invoice", "invoice", invoice.id, user=user, at=now, number=invoice.number, state=after)
    db.session.commit()
    return invoice


def cancel_draft_invoice(invoice_id: int, reason: str, *, user: User, now: datetime) -> Invoice:
    """The controller refuses a draft (wrong index, wrong tariff): it is cancelled, never issued. Commits."""
    invoice = get_invoice(invoice_id)
    if invoice.state not in ("draft", "checked"):
        raise IllegalTransition(f"La facture {invoice.number} est déjà émise : faire un avoir.")
    cancel_invoice(invoice, reason, user=user, now=now)
    db.session.commit()
    return invoice


def close_removal_control(task_id: int, *, user: User, now: datetime) -> Task:
    """E11: the controller has looked at the removal report. Commits."""
    task = scope.fetch(user, Task, task_id, "Tâche de contrôle introuvable.")
    if task.role != "controller":
        raise NotFound("Tâche de contrôle introuvable.")
    if task.state != "open":
        raise IllegalTransition("Ce contrôle est déjà fait.")
    task.state, task.done_at, task.outcome = "done", now, "checked"
    record("finish_task", "task", task.id, user=user, at=now, kind=task.kind)
    db.session.commit()
    return task
