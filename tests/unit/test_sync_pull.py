"""Pull on the in-memory store: pages, cursors, tombstones, forms and counts."""
import pytest

from sync.cursor import decode_cursor, encode_cursor, Cursor
from sync.engine import pull_changes
from sync.errors import InvalidCursor, InvalidRequest

from tests.unit.sync_world import ALICE, BRUNO, definitions, new_store


@pytest.fixture
def store():
    return new_store()


def pull_all(store, technician, cursor="", limit=100):
    """Every page until has_more is false: (pages, last cursor)."""
    pages = []
    while True:
        page = pull_changes(store, technician, cursor, limit)
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages, cursor


def test_fresh_pull_sends_the_technicians_orders_forms_and_counts(store):
    page = pull_changes(store, ALICE, "", 100)
    assert [o["id"] for o in page["orders"]] == [101, 102, 103, 105, 106]
    assert page["tombstones"] == [] and page["has_more"] is False
    latest = {t: max(v for (tt, v) in definitions() if tt == t) for (t, _) in definitions()}
    assert sorted(f["type"] for f in page["forms"]) == sorted(latest)
    assert page["counts"] == {"orders": 5, "meters": 5, "forms": dict(sorted(latest.items()))}


def test_order_objects_carry_exactly_the_contract_fields(store):
    order = pull_changes(store, ALICE, None, 100)["orders"][0]
    assert set(order) == {"id", "ref", "version", "type", "state", "code", "planned_date",
                          "window_start", "window_end", "round_position", "travel_fee", "utility",
                          "form", "premises", "meter", "contacts", "requester", "instructions"}
    assert set(order["meter"]) == {"serial", "dials", "reading_mode", "previous_index",
                                   "previous_date", "plausible_min", "plausible_max"}


def test_store_extras_never_leave_the_server(store):
    store.orders[101].wire["customer_iban"] = "FR76..."  # W24: only the contract's fields go out
    store.orders[101].wire["premises"]["owner_email"] = "x@example.org"
    order = pull_changes(store, ALICE, None, 100)["orders"][0]
    assert "customer_iban" not in order and "owner_email" not in order["premises"]


def test_pages_walk_every_order_once(store):
    pages, _ = pull_all(store, ALICE, limit=1)
    assert [len(p["orders"]) for p in pages] == [1, 1, 1, 1, 1]
    assert [p["has_more"] for p in pages] == [True, True, True, True, False]
    assert [p["orders"][0]["id"] for p in pages] == [101, 102, 103, 105, 106]
    assert pages[0]["forms"] and all(p["forms"] == [] for p in pages[1:])


def test_nothing_changed_gives_an_empty_page_and_a_stable_cursor(store):
    _, cursor = pull_all(store, ALICE)
    page = pull_changes(store, ALICE, cursor, 100)
    assert page["orders"] == [] and page["tombstones"] == [] and page["forms"] == []
    assert page["cursor"] == cursor and page["counts"]["orders"] == 5


def test_only_changed_orders_come_down_after_a_cursor(store):
    _, cursor = pull_all(store, ALICE)
    store.set_state(102, "assigned")
    page = pull_changes(store, ALICE, cursor, 100)
    assert [(o["id"], o["version"]) for o in page["orders"]] == [(102, 2)]


def test_cancelled_order_becomes_a_tombstone(store):
    _, cursor = pull_all(store, ALICE)
    store.cancel(103)
    page = pull_changes(store, ALICE, cursor, 100)
    assert page["orders"] == [] and page["tombstones"] == [{"order_id": 103, "reason": "cancelled"}]
    assert page["counts"]["orders"] == 4


def test_reassigned_order_is_a_tombstone_for_one_and_an_order_for_the_other(store):
    _, alice_cursor = pull_all(store, ALICE)
    _, bruno_cursor = pull_all(store, BRUNO)
    store.reassign(105, BRUNO)
    alice = pull_changes(store, ALICE, alice_cursor, 100)
    bruno = pull_changes(store, BRUNO, bruno_cursor, 100)
    assert alice["tombstones"] == [{"order_id": 105, "reason": "reassigned"}]
    assert [o["id"] for o in bruno["orders"]] == [105] and bruno["tombstones"] == []
    assert (alice["counts"]["orders"], bruno["counts"]["orders"]) == (4, 2)


def test_order_given_back_is_an_order_again_not_a_tombstone(store):
    _, cursor = pull_all(store, ALICE)
    store.reassign(105, BRUNO)
    store.reassign(105, ALICE)
    page = pull_changes(store, ALICE, cursor, 100)
    assert [o["id"] for o in page["orders"]] == [105] and page["tombstones"] == []


def test_fresh_pull_never_sends_tombstones_or_cancelled_orders(store):
    store.cancel(103)
    store.reassign(105, BRUNO)
    page = pull_changes(store, ALICE, "", 100)
    assert [o["id"] for o in page["orders"]] == [101, 102, 106] and page["tombstones"] == []


def test_other_technicians_orders_never_come_down(store):
    pages, _ = pull_all(store, BRUNO)
    assert [o["id"] for p in pages for o in p["orders"]] == [104]


def test_new_form_version_comes_down_once(store):
    _, cursor = pull_all(store, ALICE)
    newer = {**store.definitions[("READING", 1)], "version": 9}
    store.definitions[("READING", 9)] = newer
    page = pull_changes(store, ALICE, cursor, 100)
    assert page["forms"] == [newer] and page["counts"]["forms"]["READING"] == 9
    assert pull_changes(store, ALICE, page["cursor"], 100)["forms"] == []


@pytest.mark.parametrize("garbage", [
    "%%%", "bm90IGpzb24", "e30", "W10", "eyJ2IjoyLCJ0Ijo3LCJzZXEiOjAsImZvcm1zIjp7fX0",
    "x" * 5000, "ëté",
])
def test_garbage_cursor_is_a_clear_error(store, garbage):
    with pytest.raises(InvalidCursor) as caught:
        pull_changes(store, ALICE, garbage, 100)
    assert caught.value.to_dict()["error"] == "invalid_cursor"
    assert caught.value.http_status == 400 and "curseur" in caught.value.message.lower()


def test_cursor_of_another_technician_is_refused(store):
    _, cursor = pull_all(store, BRUNO)
    with pytest.raises(InvalidCursor):
        pull_changes(store, ALICE, cursor, 100)


@pytest.mark.parametrize("limit", [0, 501, -1, True, "10"])
def test_limit_out_of_bounds_is_refused(store, limit):
    with pytest.raises(InvalidRequest):
        pull_changes(store, ALICE, "", limit)


def test_cursor_round_trip():
    cursor = Cursor(technician_id=7, seq=42, forms={"READING": 1})
    assert decode_cursor(encode_cursor(cursor), 7) == cursor
    assert "=" not in encode_cursor(cursor) and decode_cursor("", 7).fresh
