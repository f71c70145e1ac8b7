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


# A seal stored today must still verify after any upgrade: this vector pins the canonical document and its
# hash for fixed facts. Changing a key, the seal version, the time format or the hashing breaks every seal
# already stored; if that is ever meant, bump SEAL_VERSION and keep verifying the old version.
PINNED_FACTS = facts(channel="tablet", countersign_device_id=3,
                     countersign_device_time=datetime(2026, 3, 2, 9, 58, 30, 250000, tzinfo=timezone.utc),
                     signed_at=datetime(2026, 3, 2, 10, 0, 1, 999000, tzinfo=timezone.utc),
                     signature={"sha256": "d" * 64, "signer_name": "Bruno Lambert", "strokes": [[[1, 1], [5, 5]]]})
PINNED_DOCUMENT = {
    "seal_version": 1,
    "report": {"uuid": "6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5a", "version": 1, "content": CONTENT,
               "content_sha256": content_hash(CONTENT),
               "signatures": [{"field": "technician_signature", "sha256": "c" * 64, "signer_name": "Julien Roux",
                               "strokes": [[[0, 0], [10, 12]]]}]},
    "technician": {"id": 6, "login": "tech.eau1", "name": "Julien Roux"},
    "device": {"id": 3, "time": "2026-03-02T09:12:00.000+00:00"},
    "received_at": "2026-03-02T10:00:00.000+00:00",
    "countersignature": {"chief": {"id": 4, "login": "chef.eau", "name": "Bruno Lambert"},
                         "signature": {"sha256": "d" * 64, "signer_name": "Bruno Lambert",
                                       "strokes": [[[1, 1], [5, 5]]]},
                         "channel": "tablet",
                         "device": {"id": 3, "time": "2026-03-02T09:58:30.250+00:00"},
                         "signed_at": "2026-03-02T10:00:01.999+00:00"},
}
PINNED_SEAL = "2e04c9975516a9cfbd93870494cd43fde8e54401ca1f39c6cead3fc18cda319a"
PINNED_CONTENT_SHA256 = "51e80b96135e763ca03bfb1493a6a32ce47cd6895d9733552270014e5046ad56"


def test_E11_seal_document_is_pinned():
    assert seal_document(PINNED_FACTS) == PINNED_DOCUMENT


def test_E11_seal_hash_is_pinned_for_fixed_content():
    assert seal_sha256(PINNED_FACTS) == PINNED_SEAL
    assert content_sha256(CONTENT) == content_hash(CONTENT) == PINNED_CONTENT_SHA256


@pytest.mark.parametrize("change", [
    {"signed_at": datetime(2026, 3, 2, 10, 0, 2, 999000, tzinfo=timezone.utc)},
    {"channel": "web"},
    {"countersign_device_id": 4},
    {"countersign_device_id": None},
    {"countersign_device_time": datetime(2026, 3, 2, 9, 58, 30, 251000, tzinfo=timezone.utc)},
    {"countersign_device_time": None},
    {"signature": {"sha256": "e" * 64, "signer_name": "Bruno Lambert", "strokes": [[[1, 1], [5, 5]]]}},
    {"signature": {"sha256": "d" * 64, "signer_name": "Bruno Lambet", "strokes": [[[1, 1], [5, 5]]]}},
    {"chief": {"id": 4, "login": "chef.eau", "name": "Bruno Lambert "}},
    {"technician": {"id": 6, "login": "tech.eau1", "name": "Julien Rou"}},
    {"device_id": None},
    {"device_time": None},
    {"report_uuid": "6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5b"},
    {"content": {**CONTENT, "outcome": "absent"}},
])
def test_E11_every_sealed_fact_changes_the_seal(change):
    assert seal_sha256(dataclasses.replace(PINNED_FACTS, **change)) != PINNED_SEAL


def test_utc_text_converts_to_utc_with_milliseconds():
    from server.services.rules.seals import utc_text
    from zoneinfo import ZoneInfo
    paris = datetime(2026, 7, 1, 12, 30, 5, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    assert utc_text(paris) == "2026-07-01T10:30:05.123+00:00"
    assert utc_text(datetime(2026, 7, 1, 10, 30, 5)) == "2026-07-01T10:30:05.000+00:00"
    assert utc_text(None) is None


def test_signatures_of_keeps_only_signature_answers_sorted_by_field():
    content = {"answers": {"z_sig": {"sha256": "a" * 64, "strokes": [], "signer_name": "Z"},
                           "a_sig": {"sha256": "b" * 64, "strokes": [[[0, 0]]], "signer_name": "A"},
                           "photo": {"sha256": "c" * 64}, "strokes_only": {"strokes": []}, "index": 12}}
    assert [s["field"] for s in signatures_of(content)] == ["a_sig", "z_sig"]
    assert signatures_of(content)[0] == {"field": "a_sig", "sha256": "b" * 64, "strokes": [[[0, 0]]], "signer_name": "A"}
    assert signatures_of({}) == [] and signatures_of({"answers": None}) == []
