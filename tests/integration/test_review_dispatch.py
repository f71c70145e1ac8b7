"""The chief's day board and planning actions on SQLite and PostgreSQL; changes reach the tablet."""
from datetime import datetime, time, timedelta, timezone

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from server.blobs import DiskBlobStore
from server.errors import Forbidden
from server.extensions import db
from server.models import AuditEntry, Device, Order
from server.services.field import dispatch
from server.services.field.uploads import present_for
from server.services.review.reports import countersign_report
from tests.review_reports import CHIEF_SIGNATURE, NOW, demo_order, store_report, user


def board_of(login="chef.eau"):
    board = dispatch.day_board(user(login), NOW.date(), now=NOW)
    return board, {r.technician.login: r for r in board.rounds}


def refs(orders):
    return [o.point.ref for o in orders]


def test_board_groups_orders_per_technician_from_assigned_to_countersigned(demo_ctx):
    board, rounds = board_of()
    julien = rounds["tech.eau1"]
    assert set(rounds) == {"tech.eau1", "tech.eau2"} and julien.total == 4
    assert refs(julien.orders["assigned"]) == ["P00000001", "P00000002", "P00000011", "P00000004"]
    delivered = max(o.change_seq for o in julien.orders["assigned"])
    db.session.add(Device(user_id=user("tech.eau1").id, name="Tablette", token_hash="x" * 64,
                          last_sync_at=NOW + timedelta(seconds=1), delivered_seq=delivered))
    db.session.commit()
    report = store_report(demo_order("P00000002"), answers={"index": 1160})
    store_report(demo_order("P00000011"), answers={"index": 1, "branch_closed": True})
    countersign_report(report.id, chief=user("chef.eau"), signature=CHIEF_SIGNATURE, now=NOW)
    board, rounds = board_of()
    julien = rounds["tech.eau1"]
    assert refs(julien.orders["on_tablet"]) == ["P00000001", "P00000004"]
    assert refs(julien.orders["done"]) == ["P00000011"] and refs(julien.orders["countersigned"]) == ["P00000002"]
    assert julien.finished == 2 and julien.last_sync_at is not None


def test_an_order_changed_after_the_tablets_receipt_is_back_to_assigned(demo_ctx):
    julien = board_of()[1]["tech.eau1"]
    delivered = max(o.change_seq for o in julien.orders["assigned"])
    db.session.add(Device(user_id=user("tech.eau1").id, name="Tablette", token_hash="x" * 64,
                          last_sync_at=NOW, delivered_seq=delivered))
    db.session.commit()
    assert len(board_of()[1]["tech.eau1"].orders["on_tablet"]) == 4
    dispatch.set_window_times(demo_order("P00000004").id, "14:00", "16:00", chief=user("chef.eau"), now=NOW)
    julien = board_of()[1]["tech.eau1"]
    assert refs(julien.orders["assigned"]) == ["P00000004"] and len(julien.orders["on_tablet"]) == 3


def test_electricity_orders_stay_off_the_water_board(demo_ctx):
    board, rounds = board_of()
    everything = board.unassigned + [o for r in board.rounds for c in r.orders.values() for o in c]
    assert all(o.point.commune.utility == "water" for o in everything)
    assert "arpnt.elec" in board_of("chef.elec")[1]


def test_reassigning_moves_the_order_and_bumps_its_version(demo_ctx):
    order = demo_order("P00000001")
    version = order.version
    dispatch.assign(order.id, user("tech.eau2").id, chief=user("chef.eau"), now=NOW)
    assert order.assignee_id == user("tech.eau2").id and order.previous_assignee_id == user("tech.eau1").id
    assert order.version == version + 1 and order.round_position == 2
    assert "P00000001" in refs(board_of()[1]["tech.eau2"].orders["assigned"])


def test_reorder_round_sets_positions_and_touches_only_what_moved(demo_ctx):
    ids = [demo_order(p).id for p in ("P00000004", "P00000001", "P00000002", "P00000011")]
    before = {i: db.session.get(Order, i).version for i in ids}
    dispatch.reorder_round(user("tech.eau1").id, ids, chief=user("chef.eau"), now=NOW)
    orders = [db.session.get(Order, i) for i in ids]
    assert [o.round_position for o in orders] == [1, 2, 3, 4]
    assert orders[3].version == before[ids[3]] + 1 and db.session.get(Order, ids[3]).round_position == 4


def test_window_is_set_in_local_time_and_cancel_needs_a_reason(demo_ctx):
    order = demo_order("P00000001")
    dispatch.set_window_times(order.id, "09:00", "11:00", chief=user("chef.eau"), now=NOW)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert dispatch.window_label(order) == "09:00–11:00"  # Paris time, whatever the database keeps
    assert (order.window_end - order.window_start) == timedelta(hours=2)
    dispatch.cancel(order.id, "Le client a rappelé", chief=user("chef.eau"), now=NOW)
    assert order.state == "cancelled"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cancel_order")).user_id == user("chef.eau").id


def test_a_chief_cannot_give_an_order_to_another_section(demo_ctx):
    with pytest.raises(Forbidden):
        dispatch.assign(demo_order("P00000001").id, user("tech.elec1").id, chief=user("chef.eau"), now=NOW)


def test_changes_reach_the_tablet_at_its_next_pull_with_tombstones(demo_ctx, tmp_path):
    pytest.importorskip("forms")
    from sync.engine import pull_changes
    from server.sync_store import SqlSyncStore
    store = SqlSyncStore(DiskBlobStore(tmp_path, 10**6), NOW, present_for)
    julien, lea = user("tech.eau1").id, user("tech.eau2").id
    cursor = pull_changes(store, julien, None, 100)["cursor"]
    moved, cancelled, windowed = (demo_order(p) for p in ("P00000001", "P00000002", "P00000004"))
    dispatch.assign(moved.id, lea, chief=user("chef.eau"), now=NOW)
    dispatch.cancel(cancelled.id, "Rappel client", chief=user("chef.eau"), now=NOW)
    dispatch.set_window_times(windowed.id, "14:00", "16:00", chief=user("chef.eau"), now=NOW)
    page = pull_changes(store, julien, cursor, 100)
    assert {(t["order_id"], t["reason"]) for t in page["tombstones"]} == {(moved.id, "reassigned"), (cancelled.id, "cancelled")}
    assert [o["id"] for o in page["orders"]] == [windowed.id]
    start = datetime.fromisoformat(page["orders"][0]["window_start"])
    paris = datetime.combine(windowed.planned_date, time(14, 0), tzinfo=ZoneInfo("Europe/Paris"))
    assert start == paris  # the same instant on the tablet as typed by the chief
