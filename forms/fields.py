"""One validator per field type: (field definition, value, order context, answers) -> French messages.
A validator only sees values that are not blank (see `is_blank`); it never raises on hostile input.
The tablet's pwa/src/forms/validate.js mirrors each one."""
import math
import re

SHA256 = re.compile(r"[0-9a-f]{64}")
PHONE = re.compile(r"[0-9+(). -]{6,30}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_SERIAL, MAX_NAME, MAX_EMAIL = 40, 120, 254
MAX_STROKES, MAX_POINTS, MAX_COORDINATE = 200, 5000, 100_000
DEFAULT_MAX_PHOTOS = 10
SIGNATURE_KEYS = {"sha256", "signer_name", "strokes"}
PERSON_KEYS = {"name", "phone", "email"}


def is_blank(value) -> bool:
    """Not answered: null, a string of spaces, an empty list or object, or an object whose values are all
    blank (the tablet keeps {"name": "", ...} or an unsigned signature pad that way). false is an answer."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)) and not value:
        return True
    if isinstance(value, dict):
        return all(is_blank(v) for v in value.values())
    return False


def is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_sha256(value) -> bool:
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


def serial(field, value, context, answers) -> list[str]:
    if not isinstance(value, str):
        return ["Le numéro de série doit être un texte."]
    if len(value.strip()) > MAX_SERIAL:
        return [f"Numéro de série trop long ({MAX_SERIAL} caractères au plus)."]
    return []


def index(field, value, context, answers) -> list[str]:
    """0 <= index < 10**dials; below the previous index only as a declared rollover; outside the
    plausible range only confirmed and with a photo of the dials (rollover or not)."""
    if not is_integer(value):
        return ["L'index doit être un nombre entier."]
    dials = context.get("dials")
    if value < 0:
        return ["L'index ne peut pas être négatif."]
    if dials and value >= 10 ** dials:
        return [f"L'index a au plus {dials} chiffres (compteur à {dials} cadrans)."]
    errors = []
    previous = context.get("previous_index")
    if previous is not None and value < previous and answers.get(field["rollover_field"]) is not True:
        errors.append(f"L'index {value} est inférieur à l'index précédent ({previous}) : "
                      "si le compteur a fait le tour, cochez le passage par zéro.")
    low, high = context.get("plausible_min"), context.get("plausible_max")
    if (low is not None and value < low) or (high is not None and value > high):
        if answers.get(field["confirm_field"]) is not True:
            errors.append(f"Index hors de la plage plausible ({_range(low, high)}) : vérifiez-le puis confirmez-le.")
        photos = answers.get(field["photo_field"])
        if not isinstance(photos, list) or not photos:
            errors.append("Un index hors de la plage plausible doit être prouvé par une photo du cadran.")
    return errors


def _range(low, high) -> str:
    if low is None:
        return f"au plus {high}"
    return f"au moins {low}" if high is None else f"{low} – {high}"


def boolean(field, value, context, answers) -> list[str]:
    return [] if isinstance(value, bool) else ["Répondez par oui ou non."]


def text(field, value, context, answers) -> list[str]:
    if not isinstance(value, str):
        return ["Texte attendu."]
    limit = field["max_length"]
    return [f"Texte trop long ({limit} caractères au plus)."] if len(value) > limit else []


def choice(field, value, context, answers) -> list[str]:
    allowed = [o["value"] for o in field["options"]]
    return [] if isinstance(value, str) and value in allowed else ["Choix invalide : choisissez une des options."]


def photo(field, value, context, answers) -> list[str]:
    if not isinstance(value, list) or not all(is_sha256(h) for h in value):
        return ["Photos invalides : empreintes SHA-256 attendues."]
    if len(set(value)) != len(value):
        return ["La même photo est jointe deux fois."]
    low, high = field.get("min", 0), field.get("max", DEFAULT_MAX_PHOTOS)
    if len(value) > high:
        return [f"{high} photo(s) au plus."]
    if len(value) < low:
        return [f"Au moins {low} photo(s)."]
    return []


def signature(field, value, context, answers) -> list[str]:
    """{"sha256": PNG of the drawing, "signer_name", "strokes": [[[x, y], ...], ...]}, points only."""
    if not isinstance(value, dict) or set(value) - SIGNATURE_KEYS:
        return ["Signature invalide."]
    errors = []
    if not is_sha256(value.get("sha256")):
        errors.append("Signature invalide : image de la signature manquante.")
    name = value.get("signer_name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        errors.append("Indiquez le nom du signataire.")
    return errors + _stroke_problems(value.get("strokes"))


def _stroke_problems(strokes) -> list[str]:
    if not isinstance(strokes, list) or not strokes:
        return ["Signez dans le cadre."]
    if len(strokes) > MAX_STROKES:
        return ["Tracé de signature trop long."]
    points = 0
    for stroke in strokes:
        if not isinstance(stroke, list) or not stroke or not all(_is_point(p) for p in stroke):
            return ["Tracé de signature invalide."]
        points += len(stroke)
    return ["Tracé de signature trop long."] if points > MAX_POINTS else []


def _is_point(point) -> bool:
    return (isinstance(point, list) and len(point) == 2
            and all(is_number(c) and abs(c) <= MAX_COORDINATE for c in point))


def checklist(field, value, context, answers) -> list[str]:
    """Step ids in the order ticked; an ordered checklist only ever holds a prefix of its steps."""
    steps = [s["id"] for s in field["steps"]]
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        return ["Liste d'étapes invalide."]
    if any(s not in steps for s in value):
        return ["Étape inconnue pour cette liste."]
    if len(set(value)) != len(value):
        return ["Une étape est cochée deux fois."]
    if field.get("ordered") and value != steps[:len(value)]:
        return ["Les étapes doivent être cochées dans l'ordre du mode opératoire."]
    return []


def person(field, value, context, answers) -> list[str]:
    """{"name", "phone", "email"}: a name; phone and e-mail optional but well formed when given."""
    if not isinstance(value, dict) or set(value) - PERSON_KEYS:
        return ["Coordonnées invalides."]
    errors = []
    name = value.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        errors.append("Indiquez le nom de la personne.")
    phone, email = value.get("phone"), value.get("email")
    if not (phone is None or isinstance(phone, str) and (not phone.strip() or _is_phone(phone))):
        errors.append("Numéro de téléphone invalide.")
    if not (email is None or isinstance(email, str) and (not email.strip() or _is_email(email))):
        errors.append("Adresse électronique invalide.")
    return errors


def _is_phone(text: str) -> bool:
    text = text.strip()
    return PHONE.fullmatch(text) is not None and sum(c.isdigit() for c in text) >= 6


def _is_email(text: str) -> bool:
    text = text.strip()
    return len(text) <= MAX_EMAIL and EMAIL.fullmatch(text) is not None


def is_complete(field, value) -> bool:
    """A required checklist is satisfied only when every step is ticked; any other filled value is."""
    return field["type"] != "checklist" or len(value) == len(field["steps"])


VALIDATORS = {"serial": serial, "index": index, "boolean": boolean, "text": text, "choice": choice,
              "photo": photo, "signature": signature, "checklist": checklist, "person": person}
