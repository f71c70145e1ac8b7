"""S2-1: office users take requests and see dossiers of their own utility only (an admin both)."""
import pytest

from server.errors import NotFound
from server.extensions import db
from server.models import Contract, Dossier, User
from server.services.base.accounts import serves_utility
from server.services.dossiers.dossiers import get_dossier


def first_of(app, utility: str) -> tuple[int, int]:
    with app.app_context():
        contract = next(c for c in db.session.query(Contract).order_by(Contract.id)
                        if c.point.commune.utility == utility and c.state == "active")
        dossier = db.session.query(Dossier).filter_by(utility=utility).order_by(Dossier.id).first()
        if dossier is None:  # the demo has no electricity dossier yet: a classic termination opens one
            from datetime import datetime, timezone
            from server.services.intake.termination_requests import ElectricityTermination, record_termination
            agent = db.session.query(User).filter_by(login="agent.elec").one()
            dossier = record_termination(contract.id, ElectricityTermination(
                kind="classic", requester_name="A. Dossou", requester_identity="CNI 1"),
                user=agent, now=datetime.now(timezone.utc))
            contract = next(c for c in db.session.query(Contract).order_by(Contract.id)
                            if c.point.commune.utility == utility and c.state == "active")
        return contract.id, dossier.id


def test_W1_agents_take_requests_and_see_dossiers_of_their_own_utility_only(office, sqlite_demo_app):
    water_contract, water_dossier = first_of(sqlite_demo_app, "water")
    elec_contract, elec_dossier = first_of(sqlite_demo_app, "electricity")
    eau, elec, admin = office("agent.eau"), office("agent.elec"), office("admin")
    assert eau.get(f"/contracts/{elec_contract}/departure").status_code == 404
    assert elec.get(f"/contracts/{water_contract}/departure").status_code == 404
    assert elec.get(f"/dossiers/{water_dossier}").status_code == 404
    assert eau.get(f"/dossiers/{elec_dossier}").status_code == 404
    assert office("chef.elec").get(f"/dossiers/{water_dossier}").status_code == 404
    assert eau.get(f"/contracts/{water_contract}/departure").status_code == 200
    assert eau.get(f"/dossiers/{water_dossier}").status_code == 200
    assert elec.get(f"/dossiers/{elec_dossier}").status_code == 200
    assert admin.get(f"/dossiers/{water_dossier}").status_code == 200
    assert admin.get(f"/contracts/{elec_contract}/departure").status_code == 200


def test_W1_an_agent_cannot_act_on_a_dossier_of_the_other_utility(office, sqlite_demo_app):
    _, water_dossier = first_of(sqlite_demo_app, "water")
    with sqlite_demo_app.app_context():
        agent_elec = db.session.query(User).filter_by(login="agent.elec").one()
        admin = db.session.query(User).filter_by(login="admin").one()
        assert not serves_utility(agent_elec, "water") and serves_utility(admin, "electricity")
        with pytest.raises(NotFound):
            get_dossier(water_dossier, agent_elec)
        assert get_dossier(water_dossier, admin).id == water_dossier
