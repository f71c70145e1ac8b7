"""The back office's task list per role, with counts, and what finishing a task does (W8: an analysis
task ended without answer from the customer sends an INVESTIGATION order to the premises)."""
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ...errors import Forbidden, IllegalTransition
from ...extensions import db
from ...models import DeliveryPoint, Dossier, Task, User
from ..base import scope
from ..base.audit import record
from .dossiers import ANALYSIS_TASK, add_event, close_when_done
from ..base.paging import scalars_page
from ..rules.paging import FIRST_PAGE, Page, PageRequest
from .orders import issue_order

TASK_LABELS = {ANALYSIS_TASK: "Analyser un départ annoncé", "appointment": "Prendre rendez-vous",
               "field_anomaly": "Analyser une anomalie terrain", "intervention_return": "Retour d'intervention",
               "call_customer": "Rappeler le client", "removal_control": "Contrôler une dépose",
               "transfer": "Procéder à une mutation", "remote_reading_fault": "Dysfonctionnement télérelève"}
ROLE_LABELS = {"agent": "Agents clientèle", "chief": "Chefs de section", "controller": "Contrôle factures",
               "cashier": "Caisse", "admin": "Administration"}


@dataclass
class TaskBoard:
    tasks: Page[Task]
    by_kind: dict[str, int]
    by_role: dict[str, int]
    dossiers: dict[int, Dossier]


def visible_roles(user: User) -> tuple[str, ...]:
    """An admin sees every role's tasks; the others their own role's."""
    return tuple(ROLE_LABELS) if user.role == "admin" else (user.role,)


def task_board(user: User, *, kind: str | None = None, page: PageRequest = FIRST_PAGE) -> TaskBoard:
    """Open tasks of the user's role and utility (filtered by kind), one page of them, with counts per kind
    and per role."""
    mine = (Task.state == "open", Task.role.in_(visible_roles(user)), scope.condition(user, Task))
    query = select(Task).where(*mine).order_by(Task.due_on, Task.id)
    tasks = scalars_page(query.where(Task.kind == kind) if kind else query, page)
    by_kind = Counter(dict(db.session.execute(select(Task.kind, func.count()).where(*mine).group_by(Task.kind)).all()))
    by_role = dict(db.session.execute(select(Task.role, func.count()).where(*mine).group_by(Task.role)).all())
    ids = {t.dossier_id for t in tasks if t.dossier_id}
    dossiers = {d.id: d for d in db.session.scalars(select(Dossier).where(Dossier.id.in_(ids)))} if ids else {}
    return TaskBoard(tasks, dict(by_kind), by_role, dossiers)


def open_task_for(task_id: int, user: User) -> Task:
    task = scope.fetch(user, Task, task_id)
    if task.role not in visible_roles(user):
        raise Forbidden("Cette tâche appartient à un autre rôle.")
    if task.state != "open":
        raise IllegalTransition("Cette tâche est déjà terminée.")
    return task


def complete_task(task_id: int, *, user: User, now: datetime, outcome: str = "done") -> Task:
    """Finish a task (the customer answered, the appointment is taken, the control is done...)."""
    task = open_task_for(task_id, user)
    task.state, task.done_at, task.outcome = "done", now, outcome
    if task.dossier_id:
        add_event(task.dossier, "task_done", f"Tâche « {task.title} » terminée.", user, now)
        close_when_done(task.dossier, user=user, now=now)  # E11: the removal controlled ends the termination
    record("complete_task", "task", task.id, user=user, at=now, outcome=outcome)
    db.session.commit()
    return task


def record_no_answer(task_id: int, *, user: User, now: datetime):
    """W8: the customer could not be reached about the announced departure: the analysis task ends and
    an INVESTIGATION order ("Enquête client") goes to the premises."""
    task = open_task_for(task_id, user)
    if task.kind != ANALYSIS_TASK or task.dossier is None:
        raise IllegalTransition("« Sans réponse » ne s'applique qu'à l'analyse d'un départ annoncé (W8).")
    dossier = task.dossier
    if dossier.state != "open":
        raise IllegalTransition(f"Le dossier {dossier.ref} n'est plus ouvert.")
    task.state, task.done_at, task.outcome = "done", now, "no_answer"
    point = db.session.get(DeliveryPoint, dossier.delivery_point_id)
    order = issue_order("INVESTIGATION", point, now=now, dossier=dossier, contract_id=dossier.contract_id, user=user,
                        instructions=f"Départ annoncé pour le {dossier.planned_on:%d/%m/%Y} sans nouvelles du client : "
                                     "qui occupe les lieux ? Relever l'index ; personne sur place → fermer le "
                                     "branchement.")
    dossier.step = "investigation"
    add_event(dossier, "investigation", f"Client injoignable : ordre {order.ref} « Enquête client » émis (W8).",
              user, now)
    record("no_answer_task", "task", task.id, user=user, at=now, order=order.ref)
    db.session.commit()
    return order
