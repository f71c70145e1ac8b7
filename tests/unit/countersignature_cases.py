"""Cases both sides replay for PROTOCOL §8: the canonical JSON of values as the tablet sends them,
and a countersignature proof. `python -m tests.unit.countersignature_cases` rewrites the file."""
import json
from pathlib import Path

from sync.content import canonical_json, content_hash
from sync.proofs import countersignature_proof, derive_countersign_key

FILE = Path(__file__).resolve().parents[2] / "fixtures" / "sync" / "countersignature.json"
GOLDEN_PUSH = FILE.with_name("push.json")

# Texts as JSON.stringify writes them on the tablet; the server reads them and writes canonically.
CANONICAL_TEXTS = {
    "keys sorted at every level": '{"b":1,"a":{"d":[1,2,{"z":null,"y":true}],"c":"x"},"A":false}',
    "keys sorted by code point": '{"\u00e9":1,"e":2,"\U0001F600":3,"\uffff":4,"Z":5}',
    "strings escaped as JSON.stringify": '{"s":"guillemet \\" barre \\\\ ligne\\n tab\\t bip\\u0007 \u00e9 \U0001F600 \u2028 \u007f"}',
    "numbers": '{"n":[0,-1,45,45.5,0.1,1e-7,0.00001,0.0001,123456.789,-2.5e-7,1e+21,1.5e+22,'
               '10000000000000000,12345678901234567000,44.40812,-0.70459,8.5,90]}',
}


def proof_case() -> dict:
    """The golden applied report, countersigned on the tablet by chef.eau with code Chef2026."""
    code, salt, iterations = "Chef2026", "5f1d0c3a9b8e7d6c5b4a392817060504", 1000
    report = json.loads(GOLDEN_PUSH.read_text(encoding="utf-8"))[3]["request"]["body"]["reports"][0]
    drawing = report["answers"]["sig_technician"]["sha256"]
    report = {**report, "attachments": report["attachments"] + [{
        "sha256": drawing, "field": "countersignature", "kind": "signature", "content_type": "image/png",
        "size": 163, "captured_at": "2026-03-02T09:14:00+01:00", "lat": None, "lon": None}],
        "countersignature": {"chief_login": "chef.eau", "salt": salt,
                             "device_time": "2026-03-02T09:14:05+01:00",
                             "signature": {"sha256": drawing, "signer_name": "Bruno Lambert",
                                           "strokes": [[[5, 5], [40, 60.5]], [[70, 10]]]}}}
    key = derive_countersign_key(code, salt, iterations)
    chash = content_hash(report)
    return {"code": code, "salt": salt, "iterations": iterations, "key": key.hex(), "uuid": report["uuid"],
            "chief_login": "chef.eau", "report": report, "content_sha256": chash,
            "proof": countersignature_proof(key, report["uuid"], "chef.eau", chash)}


def build() -> dict:
    return {
        "description": "PROTOCOL §8. canonical: a text as the tablet sends it and the canonical JSON the server "
                       "hashes; proof: a report countersigned on the tablet, the chief's code and the expected proof.",
        "canonical": [{"name": name, "text": text, "canonical": canonical_json(json.loads(text)),
                       "sha256": content_hash(json.loads(text))} for name, text in CANONICAL_TEXTS.items()],
        "proof": proof_case(),
    }


if __name__ == "__main__":
    FILE.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
