"""The chief's proof of a countersignature made on the tablet (PROTOCOL §8): a key derived from the
chief's code, an HMAC binding chief, report and content hash. Mirrored by pwa/src/sync/proof.js."""
import hashlib
import hmac

PROOF_LABEL = "tournee-countersignature/1"
KEY_BYTES = 32


def derive_countersign_key(code: str, salt: str, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA256 of the code; the salt is used as its hex text (UTF-8), like the tablet."""
    return hashlib.pbkdf2_hmac("sha256", code.encode("utf-8"), salt.encode("utf-8"), iterations, KEY_BYTES)


def countersignature_message(uuid: str, chief_login: str, content_sha256: str) -> bytes:
    return f"{PROOF_LABEL}\n{uuid}\n{chief_login}\n{content_sha256}".encode("utf-8")


def countersignature_proof(key: bytes, uuid: str, chief_login: str, content_sha256: str) -> str:
    """Lowercase hex HMAC-SHA256 the tablet sends beside the report."""
    return hmac.new(key, countersignature_message(uuid, chief_login, content_sha256), hashlib.sha256).hexdigest()


def proof_matches(key: bytes, uuid: str, chief_login: str, content_sha256: str, proof: str) -> bool:
    """Constant-time comparison of the proof sent with the one the key gives."""
    return hmac.compare_digest(countersignature_proof(key, uuid, chief_login, content_sha256), str(proof))
