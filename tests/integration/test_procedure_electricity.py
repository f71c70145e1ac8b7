"""The electricity termination procedure (SBEE) from the counter to the orders it issues, time moved
with tick(now=...), on SQLite and PostgreSQL."""
import pytest

from server.errors import DomainError
from server.extensions import db
from server.models import Contract, Invoice
from server.services.intake.termination_requests import ElectricityTermination, record_termination
from server.services.dossiers.timelines import tick
from tests.integration.procedure_world import at, contract, days, orders_of, park_demo_timers, today, user


@pytest.fixture
def world(demo_ctx):
    park_demo_timers()
    return demo_ctx


@pytest.fixture
def sqlite_world(sqlite_demo_app):
    with sqlite_demo_app.app_context():
        park_demo_timers()
        yield sqlite_demo_app


def request(number: str, **kw):
    return record_termination(contract(number).id, ElectricityTermination(**kw), user=user("agent.elec"),
                              now=at(today()))


def test_E4_takeover_transfers_the_contract_with_both_invoices(world):
    from server.services.intake.water_departures import active_meter, history_of
    old = contract("EL00000124")
    index = max(history_of(active_meter(old)))[1] + 5  # coherent with the meter's history (E4)
    dep = request("EL00000124", kind="takeover", index=index, successor_name="Afi Dossou",
                  successor_identity="CNI 998877", successor_phone="+22990000000")
    new = db.session.query(Contract).filter(Contract.delivery_point_id == old.delivery_point_id,
                                            Contract.id != old.id).one()
    assert (old.state, old.end_on, new.state, new.start_on) == ("terminated", today(), "active", today())
    assert new.customer.identity_document == "CNI 998877"
    kinds = sorted(i.kind for i in db.session.query(Invoice).filter_by(dossier_id=dep.id))
    assert kinds in (["closing", "subscription"], ["credit_note", "subscription"])
    assert dep.state == "closed" and orders_of(dep.id) == []
    assert tick(at(today() + days(30))) == {}  # no removal after a takeover


def test_E5_E10_classic_termination_cutoff_then_removal_on_the_termination_date(world):
    c = contract("EL00000122")
    end = today() + days(3)
    dep = request("EL00000122", kind="classic", termination_on=end, requester_name="Koffi Adjovi",
                  requester_identity="CNI 123456")
    [cutoff] = orders_of(dep.id)
    assert (cutoff.type, cutoff.requester_name, cutoff.requester_identity, cutoff.requester_signed) == \
        ("CUTOFF", "Koffi Adjovi", "CNI 123456", False)  # E2: signed once the order exists
    assert (c.state, c.end_on, dep.step, dep.due_on) == ("terminating", end, "awaiting_removal", end)
    assert tick(at(end - days(1))) == {}
    assert tick(at(end)) == {"removals": 1}
    assert tick(at(end)) == {}
    [removal] = orders_of(dep.id, "REMOVAL")
    assert (removal.contract_id, removal.planned_date, removal.state) == (c.id, end, "issued")
    assert "étapes de sécurité" in removal.instructions


def test_E5_anticipated_termination_issues_a_reading_on_the_cutoff_date(sqlite_world):
    end = today() + days(10)
    dep = request("EL00000126", kind="anticipated", termination_on=end, requester_name="Afi Tossou",
                  requester_identity="PASS 42")
    [reading] = orders_of(dep.id)
    assert (reading.type, reading.planned_date) == ("READING", end)
    assert tick(at(end)) == {"removals": 1}


def test_E12_mt_contract_is_terminated_without_removal(sqlite_world):
    dep = request("EL00000137", kind="classic", requester_name="Société X", requester_identity="RCCM 1",
                  )
    assert dep.step == "awaiting_cutoff" and dep.due_on is None
    assert tick(at(today() + days(5))) == {}
    assert orders_of(dep.id, "REMOVAL") == []


def test_E1_temporary_suspension_is_refused(sqlite_world):
    with pytest.raises(DomainError, match="avance sur consommation"):
        request("EL00000122", kind="suspension")
    assert contract("EL00000122").state == "active"


def test_E2_requester_identity_is_required(sqlite_world):
    with pytest.raises(DomainError) as err:
        request("EL00000122", kind="classic", requester_name="Koffi Adjovi")
    assert {"requester_identity"} <= set(err.value.fields)
    assert contract("EL00000122").state == "active"


def test_E4_takeover_index_passes_the_intake_coherence_check_unless_confirmed(sqlite_world):
    from server.services.intake.water_departures import active_meter, history_of
    meter = active_meter(contract("EL00000126"))
    last_on, last_index = max(history_of(meter))
    successor = dict(kind="takeover", successor_name="Afi Dossou", successor_identity="CNI 998877")
    with pytest.raises(DomainError, match="incohérent") as refused:
        request("EL00000126", index=last_index + 10 ** (meter.dials - 1), **successor)
    assert "index_confirmed" in refused.value.fields
    with pytest.raises(DomainError, match="incohérent"):
        request("EL00000126", index=max(last_index - 100, 0), **successor)  # going back, no rollover
    assert contract("EL00000126").state == "active" and db.session.query(Invoice).filter(
        Invoice.contract_id == contract("EL00000126").id, Invoice.kind == "closing").count() == 0
    dep = request("EL00000126", index=last_index + 10 ** (meter.dials - 1), index_confirmed=True, **successor)
    assert dep.state == "closed" and contract("EL00000126").state == "terminated"


def test_E4_takeover_index_after_a_rollover_of_the_dials_is_coherent(sqlite_world):
    from server.services.rules.departure_rules import index_is_coherent
    history = [(today() - days(60), 99_000), (today() - days(30), 99_900)]
    assert index_is_coherent(3, history, today(), dials=5)
    assert not index_is_coherent(3, history, today())
    assert not index_is_coherent(90_000, history, today(), dials=5)
