"""Automatic reconciliation checks of a synced report (issue 6 item 3), as pure functions over the
facts the review gathers: each check returns flags, never raises, never refuses a report."""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from .formats import number

POSITION_LIMIT_METRES = 500
CLOCK_LIMIT_SECONDS = 600  # PITFALLS 16: beyond 10 minutes the device clock is suspect
REMOTE_DATA_DAYS = 30  # a remote-read meter without data this recent is a remote-reading failure (W22)
MIN_PLAUSIBLE_MARGIN = 50
BLOCKING, WARNING = "blocking", "warning"


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str  # "blocking" (never bulk-accepted) or "warning" (shown, still needs a look)
    message: str  # French, for the cockpit


@dataclass(frozen=True)
class PastReading:
    read_on: date
    index: int
    source: str


@dataclass
class ReportFacts:
    """What the checks look at, gathered by services.reports from the database."""
    outcome: str
    answers: dict
    received_at: datetime
    device_time: datetime | None = None
    position: dict | None = None
    sync_flags: list = field(default_factory=list)
    conflict: str | None = None
    missing_blobs: list = field(default_factory=list)
    quarantined: int = 0  # other contents kept aside under the same UUID
    point_lat: float | None = None
    point_lon: float | None = None
    meter_serial: str | None = None
    dials: int | None = None
    reading_mode: str | None = None
    history: list = field(default_factory=list)  # PastReading before the report, newest first
    definition: dict | None = None
    form_errors: dict = field(default_factory=dict)  # a corrected version checked again against the form


def run_checks(facts: ReportFacts) -> list[Flag]:
    """Every check, in the order the cockpit shows them."""
    flags: list[Flag] = []
    for check in (index_coherence_flags, serial_mismatch_flags, missing_evidence_flags, position_flags,
                  clock_flags, conflict_flags, duplicate_flags):
        flags.extend(check(facts))
    return flags


def is_clean(flags: list[Flag]) -> bool:
    """A clean report may be accepted in bulk: no flag at all."""
    return not flags


# ---- answers by field type ----------------------------------------------------------------

def field_ids(definition: dict | None, field_type: str, default: str) -> list[str]:
    """Ids of the definition's fields of a type (the contract's default id without a definition)."""
    if not definition:
        return [default]
    return [f["id"] for f in definition.get("fields", []) if f.get("type") == field_type] or [default]


def answered_index(facts: ReportFacts) -> int | None:
    """The index the technician typed, if any."""
    for fid in field_ids(facts.definition, "index", "index"):
        value = facts.answers.get(fid)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def rollover_declared(answers: dict) -> bool:
    return any(v is True for k, v in answers.items() if "rollover" in k)


# ---- the checks ---------------------------------------------------------------------------

def index_coherence_flags(facts: ReportFacts) -> list[Flag]:
    """Index against history: backwards, rollover, beyond plausible consumption, remote-read data."""
    index = answered_index(facts)
    if index is None:
        return []
    flags = []
    trusted = [r for r in facts.history if r.source != "estimated"]
    if trusted:
        last = trusted[0]
        if index < last.index:
            if rollover_declared(facts.answers):
                flags.append(Flag("rollover", WARNING, f"Passage à zéro déclaré : index {index} après {last.index}."))
            else:
                flags.append(Flag("index_backwards", BLOCKING,
                                  f"Index {index} inférieur au dernier index connu {last.index} du "
                                  f"{last.read_on.strftime('%d/%m/%Y')}."))
        elif index - last.index > plausible_consumption(trusted, facts.received_at.date()):
            flags.append(Flag("implausible_consumption", WARNING,
                              f"Consommation de {index - last.index} depuis le {last.read_on.strftime('%d/%m/%Y')}, "
                              "au-delà du plausible."))
    flags.extend(remote_data_flags(facts, index))
    return flags


def plausible_consumption(trusted: list[PastReading], day: date) -> int:
    """Three times the usual daily consumption since the last index, at least a small margin."""
    last = trusted[0]
    rate = 0.0
    if len(trusted) > 1 and last.read_on > trusted[1].read_on:
        rate = max(0, last.index - trusted[1].index) / (last.read_on - trusted[1].read_on).days
    return max(MIN_PLAUSIBLE_MARGIN, int(3 * rate * max(1, (day - last.read_on).days)))


def remote_data_flags(facts: ReportFacts, index: int) -> list[Flag]:
    """A remote-read meter: the field index must not be behind the warehouse's; no recent data is W22."""
    if facts.reading_mode != "remote":
        return []
    remote = [r for r in facts.history if r.source == "remote"]
    if not remote or (facts.received_at.date() - remote[0].read_on).days > REMOTE_DATA_DAYS:
        return [Flag("remote_no_data", WARNING, "Compteur télérelevé sans donnée récente dans l'entrepôt (W22).")]
    if index < remote[0].index:
        return [Flag("remote_mismatch", BLOCKING,
                     f"Index {index} inférieur à la télérelève {remote[0].index} du "
                     f"{remote[0].read_on.strftime('%d/%m/%Y')}.")]
    return []


def serial_mismatch_flags(facts: ReportFacts) -> list[Flag]:
    """The serial read on site is not the order's meter."""
    if not facts.meter_serial:
        return []
    for fid in field_ids(facts.definition, "serial", "meter_serial"):
        value = facts.answers.get(fid)
        if isinstance(value, str) and value and value.strip().upper() != facts.meter_serial.upper():
            return [Flag("serial_mismatch", BLOCKING,
                         f"Numéro de compteur relevé {value} différent du compteur de l'ordre {facts.meter_serial}.")]
    return []


def missing_evidence_flags(facts: ReportFacts) -> list[Flag]:
    """Required photos or signatures missing from the answers, or blobs not yet on the server."""
    flags = []
    for f in required_fields(facts.definition, facts.outcome, facts.answers):
        if f.get("type") not in ("photo", "signature"):
            continue
        value = facts.answers.get(f["id"])
        if not value or (f["type"] == "signature" and not (isinstance(value, dict) and value.get("sha256"))):
            what = "Photo" if f["type"] == "photo" else "Signature"
            flags.append(Flag(f"missing_{f['type']}", BLOCKING, f"{what} obligatoire manquante : {f.get('label', f['id'])}."))
    if facts.missing_blobs:
        flags.append(Flag("missing_blobs", BLOCKING,
                          f"{len(facts.missing_blobs)} photo(s) ou signature(s) pas encore reçue(s) du terminal."))
    for field_id, messages in (facts.form_errors or {}).items():
        flags.append(Flag("correction_invalid", BLOCKING, f"Version corrigée refusée par le formulaire ({field_id}) : "
                                                          f"{' '.join(messages)}"))
    return flags


def required_fields(definition: dict | None, outcome: str, answers: dict) -> list[dict]:
    """Fields the form requires for this outcome: listed by the outcome, or required by another answer."""
    if not definition:
        return []
    listed = next((set(o.get("requires", [])) for o in definition.get("outcomes", []) if o.get("code") == outcome), set())
    return [f for f in definition.get("fields", []) if f["id"] in listed or outcome in (f.get("required_for") or [])
            or any(answers.get(k) == v for k, v in (f.get("required_when") or {}).items())]


def position_flags(facts: ReportFacts) -> list[Flag]:
    """Captured far from the delivery point."""
    pos = facts.position or {}
    if None in (pos.get("lat"), pos.get("lon"), facts.point_lat, facts.point_lon):
        return []
    distance = haversine_metres(pos["lat"], pos["lon"], facts.point_lat, facts.point_lon)
    if distance > POSITION_LIMIT_METRES:
        kilometres = number(f"{distance / 1000:.1f}")
        return [Flag("position_far", WARNING, f"Saisie à {kilometres} km du point de livraison.")]
    return []


def haversine_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a 6,371 km sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def clock_flags(facts: ReportFacts) -> list[Flag]:
    """The device clock was far from the server's: measured at sync, or a report dated in the future."""
    skew = next((f.get("seconds") for f in facts.sync_flags if isinstance(f, dict) and f.get("flag") == "clock_skew"), None)
    if skew is None and facts.device_time is not None:
        ahead = (_utc(facts.device_time) - _utc(facts.received_at)).total_seconds()
        skew = int(ahead) if ahead > CLOCK_LIMIT_SECONDS else None
    if skew is None or abs(skew) <= CLOCK_LIMIT_SECONDS:
        return []
    return [Flag("clock_skew", WARNING, f"Horloge du terminal décalée de {abs(skew) // 60} min "
                                        f"({'en avance' if skew > 0 else 'en retard'}).")]


def conflict_flags(facts: ReportFacts) -> list[Flag]:
    """The order was cancelled or given to someone else while the technician worked offline."""
    flags = []
    if facts.conflict == "cancelled":
        flags.append(Flag("conflict_cancelled", BLOCKING, "L'ordre a été annulé pendant l'intervention."))
    elif facts.conflict == "reassigned":
        flags.append(Flag("conflict_reassigned", BLOCKING, "L'ordre a été réaffecté à un autre technicien."))
    if any(isinstance(f, dict) and f.get("flag") == "order_version" for f in facts.sync_flags):
        flags.append(Flag("order_changed", WARNING, "L'ordre a été modifié après la saisie sur le terminal."))
    return flags


def duplicate_flags(facts: ReportFacts) -> list[Flag]:
    """Another content was sent under the same UUID and kept aside."""
    if facts.quarantined:
        return [Flag("duplicate_aside", BLOCKING,
                     f"{facts.quarantined} autre(s) contenu(s) reçu(s) sous le même identifiant, mis de côté.")]
    return []


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
