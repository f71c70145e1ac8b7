"""E7 on the tablet: the chief countersigns on the technician's tablet; the signature travels in the
report's push (sync/PROTOCOL.md §8) and the office verifies the chief and seals the report."""
import json

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Countersignature, Report
from tests.e2e.tablet_client import SIGNATURE_PNG, Tablet, sha

STROKES = [[[3, 3], [30, 25], [70, 10]]]


class ClientTablet(Tablet):
    """The same tablet, over the Flask test client instead of a socket."""

    def __init__(self, client, login):
        self.client = client
        super().__init__("", login)

    def call(self, method, path, body=None, data=None, content_type="application/json"):
        headers = {"Authorization": f"Bearer {self.token}"} if getattr(self, "token", None) else {}
        answer = self.client.open(path, method=method, headers=headers, content_type=content_type,
                                  data=data if data is not None else (json.dumps(body) if body is not None else None))
        assert answer.status_code < 400, answer.get_data(as_text=True)
        return answer.get_json(silent=True)


def countersignature(login: str) -> dict:
    return {"chief_login": login, "signature": {"sha256": sha(SIGNATURE_PNG), "signer_name": "Bruno Lambert",
                                                "strokes": STROKES}, "device_time": "2026-11-23T09:20:00+01:00"}


@pytest.mark.parametrize("chief,expected", [("chef.eau", "countersigned"), ("chef.elec", "received"), ("tech.eau2", "received")])
def test_E7_countersignature_made_on_the_tablet_counts_only_from_an_entitled_chief(office, sqlite_demo_app, chief, expected):
    tablet = ClientTablet(sqlite_demo_app.test_client(), "tech.eau1")
    tablet.pull()
    result = tablet.complete(tablet.order_at("58 avenue Jean Jaurès"), countersignature=countersignature(chief))
    assert result["status"] == "applied", result
    page = office("agent.eau").get(f"/reports/{result['report_id']}").get_data(as_text=True)
    with sqlite_demo_app.app_context():
        report = db.session.get(Report, result["report_id"])
        seal = db.session.scalar(select(Countersignature).where(Countersignature.report_id == report.id))
        assert report.state == expected
        if expected == "countersigned":
            assert seal.channel == "tablet" and seal.signature["strokes"] == STROKES and seal.device_id == report.device_id
            assert "Contresigné par Bruno Lambert (tablette)" in page and "ne vérifie pas" not in page
        else:
            assert seal is None and "signataire non habilité" in page
