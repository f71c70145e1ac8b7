"""PROTOCOL §8: the chief's proof of a tablet countersignature (E7, E11), on the shared cases."""
import json

from sync.content import content_hash
from sync.proofs import derive_countersign_key, proof_matches
from tests.unit.countersignature_cases import FILE, build

CASES = json.loads(FILE.read_text(encoding="utf-8"))


def test_countersignature_cases_file_is_what_the_rules_compute():
    assert CASES == build(), "rules changed: run python -m tests.unit.countersignature_cases and review"


def test_E7_tablet_proof_matches_the_chiefs_code_and_this_content():
    case = CASES["proof"]
    key = derive_countersign_key(case["code"], case["salt"], case["iterations"])
    assert key.hex() == case["key"]
    assert content_hash(case["report"]) == case["content_sha256"]
    assert proof_matches(key, case["uuid"], "chef.eau", case["content_sha256"], case["proof"])


def test_E7_tablet_proof_fails_for_another_code_chief_report_or_content():
    case = CASES["proof"]
    key = derive_countersign_key(case["code"], case["salt"], case["iterations"])
    other_key = derive_countersign_key("Chef2027", case["salt"], case["iterations"])
    changed = {**case["report"], "answers": {**case["report"]["answers"], "index": 1251}}
    assert not proof_matches(other_key, case["uuid"], "chef.eau", case["content_sha256"], case["proof"])
    assert not proof_matches(key, case["uuid"], "chef.elec", case["content_sha256"], case["proof"])
    assert not proof_matches(key, "0b9e3f0a-5a1e-4c1b-8d7e-2f4a6b8c0d1e", "chef.eau", case["content_sha256"], case["proof"])
    assert not proof_matches(key, case["uuid"], "chef.eau", content_hash(changed), case["proof"])
    assert not proof_matches(key, case["uuid"], "chef.eau", case["content_sha256"], "0" * 64)
