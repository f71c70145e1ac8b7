"""Who may countersign a technician's report (E7), and how a chief proves it on the technician's tablet
(E11, PROTOCOL §8): a countersignature code set in the office, never stored or sent in clear; the tablet
sends an HMAC keyed by its PBKDF2 derivation, checked here when the report comes in. Wrong proofs lock
the code for the technician whose tablet sent them: MAX_FAILURES of them against the same code, whatever came
in between; the chief's other technicians keep countersigning with it."""
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from sync.proofs import derive_countersign_key, proof_matches

from ...errors import DomainError
from ...extensions import db
from ...models import CountersignGuesses, Report, User
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
    """In force unless locked for everyone; the latest lock for one technician and the most wrong proofs of one
    technician against the current code are shown."""
    locked_at, failures = db.session.execute(
        select(func.max(CountersignGuesses.locked_at), func.max(CountersignGuesses.failures))
        .where(CountersignGuesses.chief_id == chief.id, CountersignGuesses.salt == chief.countersign_salt)).one()
    return CodeState(code_in_force(chief), chief.countersign_set_at, chief.countersign_locked_at or locked_at,
                     failures or 0)


def _guesses(chief: User, technician_id: int) -> CountersignGuesses | None:
    """The wrong proofs of this technician against the chief's current code (None: none)."""
    return db.session.scalar(select(CountersignGuesses).where(
        CountersignGuesses.chief_id == chief.id, CountersignGuesses.technician_id == technician_id,
        CountersignGuesses.salt == chief.countersign_salt))


def locked_for(chief: User, technician_id: int) -> bool:
    guesses = _guesses(chief, technician_id)
    return guesses is not None and guesses.locked_at is not None


def code_in_force(chief: User) -> bool:
    return bool(chief.countersign_key) and chief.countersign_locked_at is None


def countersigners_for(technician: User) -> list[dict]:
    """PROTOCOL §8: the chiefs who may countersign this technician's reports on the tablet."""
    chiefs = db.session.scalars(select(User).where(User.role == "chief", User.active.is_(True),
                                                   User.countersign_key.is_not(None),
                                                   User.countersign_locked_at.is_(None)).order_by(User.name))
    return [{"login": c.login, "name": c.name, "salt": c.countersign_salt, "iterations": c.countersign_iterations}
            for c in chiefs if may_countersign(c, technician) and not locked_for(c, technician.id)]


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
    if chief.countersign_locked_at is not None or locked_for(chief, technician.id):
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


def count_wrong_proof(chief: User, *, now: datetime, report_id: int, technician_id: int) -> None:
    """A wrong proof from a technician's tablet against the chief's current code (a guess, or a typo): counted
    atomically per technician and chief, never reset but by a new code, so right proofs in between buy no more
    guesses; the MAX_FAILURES-th locks the code for that technician only. Commits at once."""
    if _guesses(chief, technician_id) is None:
        _start_counting(chief, technician_id)
    pair = (CountersignGuesses.chief_id == chief.id, CountersignGuesses.technician_id == technician_id)
    db.session.execute(update(CountersignGuesses).where(*pair)
                       .values(failures=CountersignGuesses.failures + 1))
    guesses = _guesses(chief, technician_id)
    db.session.refresh(guesses)
    if guesses.failures >= MAX_FAILURES and guesses.locked_at is None:
        guesses.locked_at = now
        record("lock_countersign_code", "user", chief.id, at=now, report_id=report_id, technician_id=technician_id,
               failures=guesses.failures)
    db.session.commit()


def _start_counting(chief: User, technician_id: int) -> None:
    """The pair's counter for the current code: a row of a former code starts again from zero."""
    pair = (CountersignGuesses.chief_id == chief.id, CountersignGuesses.technician_id == technician_id)
    if db.session.execute(update(CountersignGuesses).where(*pair).values(
            salt=chief.countersign_salt, failures=0, locked_at=None)).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(CountersignGuesses(chief_id=chief.id, technician_id=technician_id,
                                              salt=chief.countersign_salt, failures=0))
    except IntegrityError:  # another push of the same technician made it at the same moment
        pass
