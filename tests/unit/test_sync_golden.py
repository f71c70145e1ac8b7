"""The golden exchanges of fixtures/sync/ replayed through the engine on the in-memory store."""
import pytest

from tests.unit.sync_golden import FILES, load, new_store, normalised, replay


@pytest.mark.parametrize("name", FILES)
def test_golden_exchanges_replay_identically(name):
    store = new_store()
    for exchange in load(name):
        if "engine" not in exchange.get("layers", ["engine", "http"]):
            continue
        assert normalised(replay(store, exchange)) == normalised(exchange["response"]), exchange["name"]


@pytest.mark.parametrize("name", FILES)
def test_golden_files_are_self_describing(name):
    for exchange in load(name):
        assert {"name", "description", "request", "response"} <= set(exchange)
        assert exchange["request"]["method"] in ("GET", "POST", "PUT")
        assert exchange["request"]["path"].startswith("/api/v1/")


def test_every_push_status_has_a_golden_exchange():
    statuses = {r["status"] for e in load("push.json") for r in e["response"]["body"].get("results", [])}
    assert statuses == {"applied", "duplicate", "awaiting_blobs", "conflict", "rejected", "mismatch"}
