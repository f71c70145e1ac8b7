"""A dossier is neither closed with work still in the field (W17, DESIGN §4.1) nor left open once its last step
is done (E11, E12), and its page says what remains; on SQLite and PostgreSQL, with data of its own."""
import pytest
from sqlalchemy import select

from server.errors import DomainError, IllegalTransition
from server.extensions import db
from server.models import AuditEntry, Contract, Dossier, Order, Task
from server.services.dossiers.dossiers import close_dossier, dossier_page, remaining_work
from server.services.dossiers.orders import assign_order
from server.services.dossiers.tasks import complete_task
from server.services.intake.termination_requests import ElectricityTermination, record_termination
from server.services.review.decisions import accept_report
from server.services.review.reports import countersign_report
from server.services.rules.dossier_closing import (closing_check, contract_state_after_abandoned_termination,
                                                   electricity_termination_done)
from tests.integration.flow_world import build_electricity_world, electricity_contract
from tests.review_reports import CHIEF_SIGNATURE, NOW

TODAY = NOW.date()


@pytest.fixture
def world(app_ctx):
    return build_electricity_world(TODAY)


def terminate(number: str, users, *, voltage: str = "BT", kind: str = "classic") -> Dossier:
    contract = electricity_contract(number, TODAY, voltage=voltage)
    dep = record_termination(contract.id, ElectricityTermination(
        kind=kind, termination_on=TODAY, requester_name="Koffi Client", requester_identity=f"CNI {number}",
        ), user=users["agent.flux"], now=NOW)
    db.session.commit()
    return dep


def only_order(dep: Dossier, order_type: str) -> Order:
    [order] = db.session.scalars(select(Order).where(Order.dossier_id == dep.id, Order.type == order_type)).all()
    return order


def field_report_accepted(order: Order, users, answers: dict) -> list[str]:
    from tests.review_reports import store_report
    report = store_report(order, answers=answers)
    countersign_report(report.id, chief=users["chef.flux"], signature=CHIEF_SIGNATURE, now=NOW)
    return accept_report(report.id, user=users["agent.flux"], now=NOW)


CUTOFF_DONE = {"index": 4300, "cutoff_done": True, "seal_number": "S-123", "requester_present": False}


# ---- the rules, plain values -------------------------------------------------------------------------

def test_W17_closing_check_names_what_would_be_cancelled_and_what_waits():
    check = closing_check([(1, "assigned"), (2, "issued"), (3, "reported"), (4, "closed"), (5, "cancelled")],
                          "terminating")
    assert (check.orders_to_cancel, check.reports_to_decide, check.termination_to_settle) == ((1, 2), (3,), True)
    assert check.needs_confirmation and not check.possible
    quiet = closing_check([(4, "closed")], "terminated")
    assert not quiet.needs_confirmation and quiet.possible


def test_W17_an_abandoned_termination_leaves_the_contract_active_unless_already_billed():
    assert contract_state_after_abandoned_termination(termination_billed=False) == "active"
    assert contract_state_after_abandoned_termination(termination_billed=True) == "terminated"


def test_E11_E12_termination_done_only_when_terminated_with_nothing_left_open():
    assert electricity_termination_done("terminated", 0, 0)
    assert not electricity_termination_done("terminated", 0, 1)   # removal control still open
    assert not electricity_termination_done("terminated", 1, 0)
    assert not electricity_termination_done("terminating", 0, 0)


# ---- item 6: closing with work in the field -------------------------------------------------------------

def test_W17_clore_is_refused_while_the_order_is_on_a_tablet(world):
    dep = terminate("FX0001", world)
    cutoff = only_order(dep, "CUTOFF")
    assign_order(cutoff.id, world["tech.flux"].id, by=world["chef.flux"], now=NOW)
    with pytest.raises(IllegalTransition, match="confirmer leur annulation"):
        close_dossier(dep.id, user=world["agent.flux"], now=NOW)
    db.session.rollback()
    db.session.expire_all()
    assert (dep.state, cutoff.state, cutoff.assignee_id) == ("open", "assigned", world["tech.flux"].id)
    assert db.session.get(Contract, dep.contract_id).state == "terminating"


def test_W17_confirmed_closing_needs_a_reason_then_cancels_the_order_and_abandons_the_termination(world):
    dep = terminate("FX0002", world)
    cutoff = only_order(dep, "CUTOFF")
    assign_order(cutoff.id, world["tech.flux"].id, by=world["chef.flux"], now=NOW)
    with pytest.raises(DomainError, match="motif"):
        close_dossier(dep.id, user=world["agent.flux"], now=NOW, reason="  ", cancel_open_work=True)
    db.session.rollback()
    close_dossier(dep.id, user=world["agent.flux"], now=NOW, reason="Le client renonce à partir",
                  cancel_open_work=True)
    db.session.expire_all()
    contract = db.session.get(Contract, dep.contract_id)
    assert (dep.state, cutoff.state, contract.state, contract.end_on) == ("closed", "cancelled", "active", None)
    messages = [e.message for e in dep.events]
    assert f"Ordre {cutoff.ref} (Interruption et relevé) annulé : Le client renonce à partir (W17)." in messages
    assert messages[-1] == "Dossier clos : Le client renonce à partir"
    reasons = db.session.scalars(select(AuditEntry.details).where(AuditEntry.action == "cancel_order")).all()
    assert reasons == [{"reason": f"Dossier {dep.ref} clos : Le client renonce à partir"}]


def test_W17_a_report_back_from_the_field_is_decided_before_the_dossier_closes(world):
    dep = terminate("FX0003", world)
    cutoff = only_order(dep, "CUTOFF")
    assign_order(cutoff.id, world["tech.flux"].id, by=world["chef.flux"], now=NOW)
    cutoff.state = "reported"
    db.session.commit()
    with pytest.raises(IllegalTransition, match="l'accepter ou le rejeter"):
        close_dossier(dep.id, user=world["agent.flux"], now=NOW, reason="Erreur", cancel_open_work=True)
    db.session.rollback()
    assert dossier_page(dep.id).dossier.state == "open"


def test_W17_every_dossier_page_shows_what_remains(world):
    dep = terminate("FX0004", world)
    cutoff = only_order(dep, "CUTOFF")
    assign_order(cutoff.id, world["tech.flux"].id, by=world["chef.flux"], now=NOW)
    assert remaining_work(dep) == [
        f"Ordre {cutoff.ref} (Interruption et relevé) — Rodrigue Zinsou : compte-rendu attendu du terrain.",
        f"Signature du demandeur Koffi Client sur l'ordre {cutoff.ref} à recueillir (ordre imprimé rapporté "
        "signé, ou à l'écran du guichet, E2).",
        f"Contrat FX0004 en résiliation au {TODAY:%d/%m/%Y} : résiliation à mener à son terme.",
        f"Prochaine étape le {TODAY:%d/%m/%Y} : coupure puis dépose à la date de résiliation."]
    page = dossier_page(dep.id)
    assert page.remaining == remaining_work(dep) and page.closing.orders_to_cancel == (cutoff.id,)


# ---- item 7: the electricity termination ends by itself ------------------------------------------------

def test_E11_bt_termination_closes_itself_once_the_removal_is_controlled(world):
    dep = terminate("FX0005", world)
    cutoff = only_order(dep, "CUTOFF")
    assign_order(cutoff.id, world["tech.flux"].id, by=world["chef.flux"], now=NOW)
    field_report_accepted(cutoff, world, CUTOFF_DONE)         # on the termination date: removal issued at once
    removal = only_order(dep, "REMOVAL")
    assert (dep.state, dep.step) == ("open", "removal_ordered")
    assign_order(removal.id, world["tech.flux2"].id, by=world["chef.flux"], now=NOW)
    field_report_accepted(removal, world, {"index": 4301, "removed_meter_serial": "EF-FX0005",
                                           "premises_remarks": "none"})
    db.session.expire_all()
    assert (dep.state, dep.step, db.session.get(Contract, dep.contract_id).state) == \
        ("open", "removal_control", "terminated")
    [control] = db.session.scalars(select(Task).where(Task.dossier_id == dep.id, Task.kind == "removal_control",
                                                      Task.state == "open")).all()
    assert remaining_work(dep)[0] == f"Tâche « {control.title} » (Contrôle factures)."
    complete_task(control.id, user=world["ctrl.flux"], now=NOW)
    db.session.expire_all()
    assert dep.state == "closed" and dep.closed_on == TODAY
    assert dep.events[-1].message == "Résiliation terminée : dossier clos automatiquement (E11, E12)."


def test_E12_mt_termination_closes_itself_at_the_mt_closure(world):
    dep = terminate("FX0006", world, voltage="MT")
    cutoff = only_order(dep, "CUTOFF")
    assign_order(cutoff.id, world["tech.flux"].id, by=world["chef.flux"], now=NOW)
    effects = field_report_accepted(cutoff, world, CUTOFF_DONE)
    db.session.expire_all()
    assert (dep.state, dep.step, db.session.get(Contract, dep.contract_id).state) == ("closed", "no_removal",
                                                                                      "terminated")
    assert effects[-1] == "Résiliation terminée : dossier clos (E11, E12)."
    assert db.session.scalars(select(Order).where(Order.dossier_id == dep.id, Order.type == "REMOVAL")).all() == []


def test_E12_anticipated_mt_termination_closes_itself_at_its_reading(world):
    dep = terminate("FX0007", world, voltage="MT", kind="anticipated")
    reading = only_order(dep, "READING")
    assign_order(reading.id, world["tech.flux"].id, by=world["chef.flux"], now=NOW)
    field_report_accepted(reading, world, {"index": 4400})
    db.session.expire_all()
    assert (dep.state, db.session.get(Contract, dep.contract_id).state) == ("closed", "terminated")
