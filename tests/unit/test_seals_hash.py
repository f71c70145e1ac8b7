"""Seals (PITFALLS 22): the hash binds content, every signature with its strokes, signer, technician,
device, device time and server receipt time; any change breaks it."""
import dataclasses
from datetime import datetime, timezone

import pytest

from server.services.rules.seals import SealFacts, content_sha256, seal_document, seal_sha256, seal_verifies, signatures_of
from sync.content import content_hash

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
CONTENT = {"uuid": "6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5a", "outcome": "done",
           "answers": {"index": 1250, "technician_signature": {"sha256": "c" * 64, "signer_name": "Julien Roux",
                                                               "strokes": [[[0, 0], [10, 12]]]}}}


def facts(**overrides) -> SealFacts:
    base = dict(report_uuid=CONTENT["uuid"], version_number=1, content=CONTENT,
                technician={"id": 6, "login": "tech.eau1", "name": "Julien Roux"}, device_id=3,
                device_time=datetime(2026, 3, 2, 9, 12, tzinfo=timezone.utc), received_at=NOW,
                chief={"id": 4, "login": "chef.eau", "name": "Bruno Lambert"},
                signature={"sha256": None, "signer_name": "Bruno Lambert", "strokes": [[[1, 1], [5, 5]]]},
                channel="web", countersign_device_id=None, countersign_device_time=None, signed_at=NOW)
    base.update(overrides)
    return SealFacts(**base)


def test_E7_seal_is_stable_and_verifies():
    sealed = seal_sha256(facts())
    assert len(sealed) == 64 and seal_verifies(facts(), sealed)


@pytest.mark.parametrize("change", [
    {"content": {**CONTENT, "answers": {**CONTENT["answers"], "index": 1251}}},
    {"content": {**CONTENT, "answers": {**CONTENT["answers"], "technician_signature": {
        "sha256": "c" * 64, "signer_name": "Julien Roux", "strokes": [[[0, 0], [10, 13]]]}}}},
    {"signature": {"sha256": None, "signer_name": "Bruno Lambert", "strokes": [[[1, 1], [5, 6]]]}},
    {"chief": {"id": 5, "login": "chef.elec", "name": "Codjo Houngbo"}},
    {"technician": {"id": 7, "login": "tech.eau2", "name": "Léa Girard"}},
    {"device_id": 4},
    {"device_time": datetime(2026, 3, 2, 9, 13, tzinfo=timezone.utc)},
    {"received_at": datetime(2026, 3, 2, 10, 1, tzinfo=timezone.utc)},
    {"version_number": 2},
])
def test_E11_any_tampering_breaks_the_seal(change):
    assert not seal_verifies(facts(**change), seal_sha256(facts()))


def test_naive_sqlite_times_seal_like_utc_times():
    naive = facts(received_at=NOW.replace(tzinfo=None), signed_at=NOW.replace(tzinfo=None))
    assert seal_sha256(naive) == seal_sha256(facts())


def test_the_seal_document_lists_every_signature_of_the_content():
    document = seal_document(facts())
    assert document["report"]["signatures"] == signatures_of(CONTENT)
    assert document["report"]["signatures"][0]["field"] == "technician_signature"


def test_content_hash_is_the_wire_contract_hash():
    assert content_sha256(CONTENT) == content_hash(CONTENT)
    assert dataclasses.replace(facts()).content is CONTENT
