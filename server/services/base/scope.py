"""What a user may see: the one place that scopes objects and queries by the user's utility and, for a
technician, by assignee (issue 12). Office views and API handlers get their objects through it:
`roles_required` and `device_required` check every id named in the URL (`check_route_arguments`), and list
services build their queries from `visible`. An admin, or a user with no utility, sees both utilities."""
from sqlalchemy import Select, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from ...errors import NotFound
from ...extensions import db
from ...models import (Commune, Contract, Customer, DeliveryPoint, Device, Dossier, Invoice, Letter, Order, Report,
                       RoundProposal, Task, User)

MAX_ID = 2**31 - 1  # ids beyond a 32-bit integer do not exist (PostgreSQL would refuse to compare them)

NOT_FOUND = {Customer: "Client introuvable.", Contract: "Contrat introuvable.", Order: "Ordre d'intervention introuvable.",
             Dossier: "Dossier introuvable.", Task: "Tâche introuvable.", Invoice: "Facture introuvable.",
             Report: "Compte-rendu introuvable.", Letter: "Courrier introuvable.", Device: "Appareil introuvable.",
             User: "Utilisateur introuvable.", DeliveryPoint: "Point de livraison introuvable.",
             RoundProposal: "Proposition de tournées introuvable.", Commune: "Commune introuvable."}

# The ids a route may name, and what they designate: a route naming another id is refused (fail closed) and
# the route × role × object test lists it.
ROUTE_ARGUMENTS = {"customer_id": Customer, "contract_id": Contract, "order_id": Order, "dossier_id": Dossier,
                   "task_id": Task, "invoice_id": Invoice, "report_id": Report, "letter_id": Letter,
                   "device_id": Device, "user_id": User, "technician_id": User, "proposal_id": RoundProposal,
                   "commune_id": Commune}


def utility_of(user: User) -> str | None:
    """The utility whose data the user handles; None: both (an admin, or a user with no utility)."""
    return None if user.role == "admin" or not user.utility else user.utility


def serves_utility(user: User, utility: str | None) -> bool:
    """Whether the user handles data of this utility (data of no utility is everyone's)."""
    mine = utility_of(user)
    return mine is None or utility is None or mine == utility


def points_of(utility: str) -> Select:
    return select(DeliveryPoint.id).where(DeliveryPoint.commune_id.in_(
        select(Commune.id).where(Commune.utility == utility)))


def contracts_of(utility: str) -> Select:
    return select(Contract.id).where(Contract.delivery_point_id.in_(points_of(utility)))


def dossiers_of(utility: str) -> Select:
    return select(Dossier.id).where(Dossier.utility == utility)


def orders_of(utility: str) -> Select:
    return select(Order.id).where(Order.delivery_point_id.in_(points_of(utility)))


def _utility_condition(model, utility: str) -> ColumnElement:
    """Rows of `model` that belong to `utility`."""
    if model is Commune:
        return Commune.utility == utility
    if model is DeliveryPoint:
        return DeliveryPoint.id.in_(points_of(utility))
    if model is Contract:
        return Contract.id.in_(contracts_of(utility))
    if model is Customer:  # a customer of its contracts' utility, a prospect of its dossiers'
        return or_(Customer.id.in_(select(Contract.customer_id).where(Contract.id.in_(contracts_of(utility)))),
                   Customer.id.in_(select(Dossier.customer_id).where(Dossier.utility == utility)))
    if model is Dossier:
        return Dossier.utility == utility
    if model is Task:
        return Task.dossier_id.in_(dossiers_of(utility))
    if model is Order:
        return Order.id.in_(orders_of(utility))
    if model is Report:
        return Report.order_id.in_(orders_of(utility))
    if model is Invoice:
        return Invoice.contract_id.in_(contracts_of(utility))
    if model is Letter:
        return or_(Letter.delivery_point_id.in_(points_of(utility)), Letter.dossier_id.in_(dossiers_of(utility)))
    if model is Device:
        return Device.user_id.in_(select(User.id).where(User.utility == utility))
    if model is User:
        return User.utility == utility
    if model is RoundProposal:  # the planner's proposals of the utility's chiefs
        return RoundProposal.chief_id.in_(select(User.id).where(User.utility == utility))
    raise LookupError(f"no scope for {model.__name__}")  # a model added here is scoped on purpose


def _own_condition(model, user: User) -> ColumnElement | None:
    """A technician sees only their own orders, reports and tablets (and nothing else of the office)."""
    if model is Order:
        return Order.assignee_id == user.id
    if model is Report:
        return Report.technician_id == user.id
    if model is Device:
        return Device.user_id == user.id
    if model is User:
        return User.id == user.id
    return false()


def condition(user: User, model) -> ColumnElement:
    """The WHERE clause of the rows of `model` the user may see."""
    if user.role == "technician":
        return _own_condition(model, user)
    utility = utility_of(user)
    return true() if utility is None else _utility_condition(model, utility)


def visible(user: User, model) -> Select:
    """SELECT of the rows of `model` the user may see (add filters, order and a limit to it)."""
    return select(model).where(condition(user, model))


def fetch(user: User, model, object_id, message: str | None = None):
    """The object if the user may see it; otherwise "not found" (the other utility's objects do not exist for
    them: no 403 that would confirm an id)."""
    found = None
    if isinstance(object_id, int) and 0 < object_id <= MAX_ID:
        found = db.session.scalar(visible(user, model).where(model.id == object_id))
    if found is None:
        raise NotFound(message or NOT_FOUND.get(model, "Introuvable."))
    return found


def may_see(user: User, model, object_id) -> bool:
    try:
        fetch(user, model, object_id)
    except NotFound:
        return False
    return True


def check_route_arguments(user: User, arguments: dict) -> None:
    """Every id a route names must designate an object the user may see; an id the scope does not know is
    refused (a new route is scoped before it is written)."""
    for name, value in arguments.items():
        if not name.endswith("_id") or not isinstance(value, int):
            continue  # a database id is an integer; other names (an import job's file name) are not rows
        model = ROUTE_ARGUMENTS.get(name)
        if model is None:
            raise NotFound("Introuvable.")
        fetch(user, model, value)
