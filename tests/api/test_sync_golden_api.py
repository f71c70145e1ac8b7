"""The golden exchanges of fixtures/sync/ replayed over HTTP against the real app and database."""
from datetime import datetime, timezone

import pytest

from server.extensions import db
from server.models import Order, User
from server.services.dossiers.orders import assign_order, cancel_order
from tests.api.sync_world_sql import build_world
from tests.unit.sync_golden import FILES, GOLDEN, load

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def client(app):
    with app.app_context():
        build_world()
    return app.test_client()


def apply_office(app, action: dict) -> None:
    with app.app_context():
        chief, order = db.session.get(User, 20), db.session.get(Order, action["order_id"])
        if action["action"] == "cancel":
            cancel_order(order, reason="golden", now=NOW, user=chief)
            db.session.commit()
        elif action["action"] == "reassign":
            if order.state == "reported":
                # The golden files come from the in-memory engine, which has no office intake: there the
                # order reported by earlier pushes is still assigned, so the office may take it back.
                order.state = "assigned"
                db.session.commit()
            assign_order(order.id, action["to"], by=chief, now=NOW)
        else:
            assign_order(order.id, order.assignee_id, by=chief, now=NOW, position=action["round_position"])


def send(client, request: dict, cursors: dict):
    path = request["path"]
    for golden, actual in cursors.items():
        path = path.replace(golden, actual)
    kwargs = {"headers": request["headers"]}
    if "body" in request:
        kwargs["json"] = request["body"]
    if "body_file" in request:
        kwargs["data"] = (GOLDEN / request["body_file"]).read_bytes()
    return client.open(path, method=request["method"], **kwargs)


def comparable(body: dict, ids: dict | None = None) -> dict:
    """What must be identical between the engine on memory and the app on a database. Report ids are
    the server's (PostgreSQL's sequences skip values): `ids` numbers them in order of appearance."""
    if "results" in body:
        ids = {} if ids is None else ids
        return {"results": [{k: ("<time>" if k == "received_at" else sorted(v) if k == "errors"
                                 else ids.setdefault(v, len(ids)) if k == "report_id" else v)
                             for k, v in r.items()} for r in body["results"]]}
    if "orders" in body:
        return {"orders": sorted(o["id"] for o in body["orders"]), "has_more": body["has_more"],
                "tombstones": sorted((t["order_id"], t["reason"]) for t in body["tombstones"]),
                "forms": sorted(f["type"] for f in body["forms"]), "counts": body["counts"]}
    if "error" in body:
        return {"error": body["error"], "fields": sorted(body.get("fields", {}))}
    return body


@pytest.mark.parametrize("name", FILES)
def test_golden_exchanges_over_http(client, app, name):
    cursors, actual_ids, golden_ids = {}, {}, {}
    for exchange in load(name):
        for action in exchange.get("office", []):
            apply_office(app, action)
        response = send(client, exchange["request"], cursors)
        expected = exchange["response"]
        assert response.status_code == expected["status"], (exchange["name"], response.get_data(as_text=True))
        body = response.get_json()
        assert comparable(body, actual_ids) == comparable(expected["body"], golden_ids), exchange["name"]
        if "cursor" in expected["body"]:
            cursors[expected["body"]["cursor"]] = body["cursor"]
        if "error" in body:
            assert body["message"] and body["message"] != "…"
