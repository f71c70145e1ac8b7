"""Who may countersign a technician's report (E7), and how a chief proves it on the technician's tablet
(E11, PROTOCOL §8): a countersignature code set in the office, never stored or sent in clear; the tablet
sends an HMAC keyed by its PBKDF2 derivation, checked here when the report comes in. Wrong proofs lock
the code: MAX_FAILURES of them against the same code, whatever came in between."""
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from sync.proofs import derive_countersign_key, proof_matches

from ...errors import DomainError
from ...extensions import db
from ...models import Report, User
from .accounts import password_matches
from .audit import record

ITERATIONS = 600_000  # PBKDF2-SHA256, OWASP's figure; about a second on a tablet, once per countersignature
MAX_FAILURES = 5
MIN_LENGTH, MAX_LENGTH = 8, 64

REFUSAL_LABELS = {
    "unknown_chief": "chef inconnu",
    "not_allowed": "chef non habilité pour ce technicien",
    "no_code": "pas de code de contresignature en vigueur",
    "code_locked": "code de contresignature bloqué",
    "code_renewed": "code de contresignature changé depuis",
    "no_strokes": "signature vide",
    "no_proof": "preuve du code absente",
    "bad_proof": "code de contresignature incorrect",
}


@dataclass(frozen=True)
class CodeState:
    """What the chief's page says of their code."""
    in_force: bool
    set_at: datetime | None
    locked_at: datetime | None
    failures: int


def countersign_code_problem(code: str) -> str | None:
    """Why this code may not be used (French), or None: long enough to resist a guess offline."""
    if not MIN_LENGTH <= len(code) <= MAX_LENGTH:
        return f"Le code doit compter de {MIN_LENGTH} à {MAX_LENGTH} caractères."
    if not any(c.isalpha() for c in code) or not any(c.isdigit() for c in code):
        return "Le code doit contenir au moins une lettre et un chiffre."
    return None


def may_countersign(chief: User, technician: User) -> bool:
    """E7: the technician's own chief, or any chief of the same utility."""
    if chief.role != "chief" or not chief.active:
        return False
    return technician.chief_id == chief.id or (chief.utility is not None and chief.utility == technician.utility)


def may_hold_a_code(user: User) -> bool:
    return user.role == "chief" and user.active


def set_countersign_code(chief: User, code: str, *, password: str, now: datetime) -> None:
    """E7: a chief sets (or renews) their code after re-entering their password; a renewal unlocks it.
    Commits."""
    if not may_hold_a_code(chief):
        raise DomainError("Seul un chef de section actif a un code de contresignature.")
    if not password_matches(chief, password):
        raise DomainError("Mot de passe incorrect : le code n'a pas été changé.")
    problem = countersign_code_problem(code)
    if problem:
        raise DomainError(problem)
    install_countersign_code(chief, code, now=now)
    record("set_countersign_code", "user", chief.id, user=chief, at=now)
    db.session.commit()


def install_countersign_code(chief: User, code: str, *, now: datetime) -> None:
    """Keeps the key derived from `code` under a new salt, unlocked (the caller checked and commits)."""
    chief.countersign_salt = secrets.token_hex(16)
    chief.countersign_iterations = ITERATIONS
    chief.countersign_key = derive_countersign_key(code, chief.countersign_salt, ITERATIONS).hex()
    chief.countersign_set_at, chief.countersign_locked_at, chief.countersign_failures = now, None, 0


def code_state(chief: User) -> CodeState:
    return CodeState(code_in_force(chief), chief.countersign_set_at, chief.countersign_locked_at,
                     chief.countersign_failures or 0)


def code_in_force(chief: User) -> bool:
    return bool(chief.countersign_key) and chief.countersign_locked_at is None


def countersigners_for(technician: User) -> list[dict]:
    """PROTOCOL §8: the chiefs who may countersign this technician's reports on the tablet."""
    chiefs = db.session.scalars(select(User).where(User.role == "chief", User.active.is_(True),
                                                   User.countersign_key.is_not(None),
                                                   User.countersign_locked_at.is_(None)).order_by(User.name))
    return [{"login": c.login, "name": c.name, "salt": c.countersign_salt, "iterations": c.countersign_iterations}
            for c in chiefs if may_countersign(c, technician)]


def tablet_countersignature_refusal(chief: User | None, technician: User, report: Report, tablet: dict,
                                    proof: str | None) -> str | None:
    """E7 on the tablet: why the countersignature a report carries is refused (a code of
    REFUSAL_LABELS), or None when the chief proved their code for exactly this content."""
    if chief is None:
        return "unknown_chief"
    if not may_countersign(chief, technician):
        return "not_allowed"
    if not chief.countersign_key:
        return "no_code"
    if chief.countersign_locked_at is not None:
        return "code_locked"
    if tablet.get("salt") != chief.countersign_salt:  # made with a code since renewed: not a guess
        return "code_renewed"
    signature = tablet.get("signature") if isinstance(tablet.get("signature"), dict) else {}
    if not signature.get("strokes"):
        return "no_strokes"
    if not proof:
        return "no_proof"
    key = bytes.fromhex(chief.countersign_key)
    if not proof_matches(key, report.uuid, chief.login, report.content_sha256, proof):
        return "bad_proof"
    return None


def count_wrong_proof(chief: User, *, now: datetime, report_id: int) -> None:
    """A wrong proof against the chief's current code (a technician guessing it, or a typo): counted
    atomically, never reset but by a new code, so right proofs in between buy no more guesses; the
    MAX_FAILURES-th locks the code. Commits at once, whatever the caller does next."""
    db.session.execute(update(User).where(User.id == chief.id)
                       .values(countersign_failures=User.countersign_failures + 1))
    db.session.refresh(chief)
    if chief.countersign_failures >= MAX_FAILURES and chief.countersign_locked_at is None:
        chief.countersign_locked_at = now
        record("lock_countersign_code", "user", chief.id, at=now, report_id=report_id,
               failures=chief.countersign_failures)
    db.session.commit()
