"""Pull through HTTP on SQLite and PostgreSQL: snapshot, pages, tombstones from the office's changes."""
import gzip
import json
from datetime import datetime, timezone

import pytest

from server.extensions import db
from server.models import Order, User
from server.services.dossiers.orders import assign_order, cancel_order
from sync import messages as msg
from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE, BRUNO

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def client(app):
    with app.app_context():
        build_world()
    return app.test_client()


def pull(client, cursor="", limit=100, user=ALICE):
    response = client.get("/api/v1/sync/pull", query_string={"cursor": cursor, "limit": limit}, headers=auth(user))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def walk(client, user=ALICE, limit=100, cursor=""):
    pages = []
    while True:
        page = pull(client, cursor, limit, user)
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages, cursor


def test_snapshot_gives_what_the_field_needs(client):
    page = pull(client)
    order = next(o for o in page["orders"] if o["id"] == 101)
    assert order["meter"]["serial"] == "W19-000101" and order["meter"]["previous_index"] == 1204
    assert order["meter"]["plausible_min"] == 1204 and order["meter"]["plausible_max"] > 1204
    assert order["premises"]["commune"] == "Villeneuve-sur-Lot" and order["utility"] == "water"
    assert order["window_start"].startswith("2026-03-02T07:00:00")
    assert page["counts"]["orders"] == 5 and page["counts"]["meters"] == 5
    assert {f["type"] for f in page["forms"]} == set(page["counts"]["forms"])


def test_pages_then_office_changes_come_down_as_orders_and_tombstones(client, app):
    pages, cursor = walk(client, limit=2)
    assert [len(p["orders"]) for p in pages] == [2, 2, 1]
    with app.app_context():
        chief = db.session.get(User, 20)
        cancel_order(db.session.get(Order, 103), reason="rappel client", now=NOW, user=chief)
        db.session.commit()
        assign_order(105, BRUNO, by=chief, now=NOW)
        assign_order(102, ALICE, by=chief, now=NOW, position=9)
    page = pull(client, cursor)
    assert [(o["id"], o["round_position"]) for o in page["orders"]] == [(102, 9)]
    assert sorted((t["order_id"], t["reason"]) for t in page["tombstones"]) == [(103, "cancelled"), (105, "reassigned")]
    assert page["counts"]["orders"] == 3
    bruno, _ = walk(client, user=BRUNO)
    assert sorted(o["id"] for p in bruno for o in p["orders"]) == [104, 105]
    assert pull(client, page["cursor"])["orders"] == []


def test_report_on_an_order_taken_away_is_a_conflict_not_a_refusal(client, app):
    with app.app_context():
        assign_order(105, BRUNO, by=db.session.get(User, 20), now=NOW)
    from tests.unit.sync_world import reading_report
    report = reading_report(order_id=105, form_type="REMOVAL", outcome="absent", attachments=[],
                            answers={"remarks": "Personne sur place."})
    [result] = client.post("/api/v1/sync/push", json={"reports": [report]}, headers=auth(ALICE)).json["results"]
    assert result["status"] == "conflict" and result["http_status"] == 200


@pytest.mark.parametrize("query,status,error", [
    ({"cursor": "%%%"}, 400, "invalid_cursor"), ({"cursor": "e30"}, 400, "invalid_cursor"),
    ({"limit": "0"}, 422, "invalid_request"), ({"limit": "x"}, 422, "invalid_request"),
    ({"limit": "501"}, 422, "invalid_request"), ({"page": "1"}, 422, "invalid_request")])
def test_bad_query_is_a_clear_4xx(client, query, status, error):
    response = client.get("/api/v1/sync/pull", query_string=query, headers=auth(ALICE))
    assert (response.status_code, response.json["error"]) == (status, error)
    if error == "invalid_cursor":
        assert response.json["message"] == msg.INVALID_CURSOR
    else:
        assert response.json["message"] == msg.INVALID_REQUEST and list(response.json["fields"]) == list(query)


def test_pull_is_a_few_hundred_bytes_per_order_gzipped(client):
    _, cursor = walk(client)  # forms are sent once; measure the orders themselves
    with client.application.app_context():
        for order_id in (101, 102, 103, 105):
            assign_order(order_id, ALICE, by=db.session.get(User, 20), now=NOW, position=order_id)
    page = pull(client, cursor)
    size = len(gzip.compress(json.dumps(page).encode()))
    assert len(page["orders"]) == 4 and size / 4 < 1536
