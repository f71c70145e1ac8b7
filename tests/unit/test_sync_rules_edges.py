"""The sync decisions at their edges: the clock-skew limit on both sides, the exact errors of answers and
attachments that do not name the same blobs, the chief's drawing among a report's blobs, and the flat
error keys a 422 carries."""
from datetime import datetime, timedelta

from sync import messages as msg
from sync.rules import attachment_errors, blob_hashes, clock_skew_flag, countersignature_blob
from sync.schemas import flatten_errors

RECEIVED = datetime(2026, 3, 10, 12, 0, 0)
A, B, C = "a" * 64, "b" * 64, "c" * 64


def test_clock_skew_measured_from_the_device_clock_on_both_sides_of_ten_minutes():
    assert clock_skew_flag(RECEIVED, RECEIVED, RECEIVED + timedelta(seconds=600)) is None
    assert clock_skew_flag(RECEIVED, RECEIVED, RECEIVED - timedelta(seconds=600)) is None
    assert clock_skew_flag(RECEIVED, RECEIVED, RECEIVED + timedelta(seconds=601)) == \
        {"flag": "clock_skew", "seconds": 601}
    assert clock_skew_flag(RECEIVED, RECEIVED, RECEIVED - timedelta(seconds=601)) == \
        {"flag": "clock_skew", "seconds": -601}


def test_without_the_device_clock_only_a_report_from_the_future_proves_a_skew():
    assert clock_skew_flag(RECEIVED + timedelta(seconds=600), RECEIVED) is None
    assert clock_skew_flag(RECEIVED + timedelta(seconds=601), RECEIVED) == {"flag": "clock_skew", "seconds": 601}
    assert clock_skew_flag(RECEIVED - timedelta(days=3), RECEIVED) is None   # captured offline days ago


def test_a_photo_named_in_the_answers_but_not_attached():
    assert attachment_errors({"photos": [A, B]}, [{"field": "photos", "sha256": A, "kind": "photo"}]) == \
        {"photos": [msg.ATTACHMENT_NOT_LISTED.format(sha256=B)]}
    assert msg.ATTACHMENT_NOT_LISTED.format(sha256=B) == \
        f"La pièce {B} est citée dans les réponses mais absente des pièces jointes."


def test_an_attachment_of_the_wrong_kind():
    errors = attachment_errors({"photos": [A], "signature": {"sha256": B}},
                               [{"field": "photos", "sha256": A, "kind": "signature"},
                                {"field": "signature", "sha256": B, "kind": "photo"}])
    assert errors == {"photos": [f"La pièce {A} doit être de type « photo »."],
                      "signature": [f"La pièce {B} doit être de type « signature »."]}


def test_errors_of_one_field_are_all_kept():
    errors = attachment_errors({"photos": [A, B, C]}, [{"field": "photos", "sha256": A, "kind": "signature"}])
    assert errors == {"photos": [msg.ATTACHMENT_WRONG_KIND.format(sha256=A, kind="photo"),
                                 msg.ATTACHMENT_NOT_LISTED.format(sha256=B),
                                 msg.ATTACHMENT_NOT_LISTED.format(sha256=C)]}


def test_an_attachment_no_answer_names():
    errors = attachment_errors({}, [{"field": "photos", "sha256": A, "kind": "photo"},
                                    {"field": "other", "sha256": B, "kind": "photo"}])
    assert errors == {"attachments": [f"La pièce {A} n'est citée par aucune réponse.",
                                      f"La pièce {B} n'est citée par aucune réponse."]}


def test_the_chiefs_drawing_may_be_attached_without_an_answer_naming_it():
    attachments = [{"field": "countersignature", "sha256": A, "kind": "signature"}]
    assert attachment_errors({}, attachments) == {}


def test_answers_and_attachments_that_agree_have_no_error():
    attachments = [{"field": "photos", "sha256": A, "kind": "photo"},
                   {"field": "signature", "sha256": B, "kind": "signature"}]
    assert attachment_errors({"photos": [A], "signature": {"sha256": B}, "note": "ok"}, attachments) == {}


def test_the_drawing_is_a_blob_of_the_report_only_when_it_is_a_hash():
    assert countersignature_blob({"signature": {"sha256": C}}) == C
    assert countersignature_blob({"signature": {"sha256": "c" * 63}}) is None
    assert countersignature_blob({"signature": {"sha256": C.upper()}}) is None
    assert countersignature_blob({"signature": "drawn"}) is None
    assert countersignature_blob(None) is None
    assert blob_hashes([{"sha256": A}, {"sha256": B}, {"sha256": A}], {"signature": {"sha256": C}}) == (A, B, C)
    assert blob_hashes([{"sha256": A}], {"signature": {"sha256": A}}) == (A,)
    assert blob_hashes([{"sha256": A}], {"signature": {"sha256": "not a hash"}}) == (A,)


def test_flat_error_keys_of_a_422():
    assert flatten_errors({"reports": {"0": {"attachments": {"1": {"sha256": ["Hash invalide."]}}}}}) == \
        {"reports.0.attachments.1.sha256": ["Hash invalide."]}
    assert flatten_errors({"limit": ["Trop grand.", "Entier attendu."], "cursor": "Illisible."}) == \
        {"limit": ["Trop grand.", "Entier attendu."], "cursor": ["Illisible."]}
    assert flatten_errors(["Corps JSON attendu."]) == {"_schema": ["Corps JSON attendu."]}
    assert flatten_errors("Corps JSON attendu.") == {"_schema": ["Corps JSON attendu."]}
    assert flatten_errors({0: {"uuid": ["Requis."]}}) == {"0.uuid": ["Requis."]}
