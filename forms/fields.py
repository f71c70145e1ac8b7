"""One validator per field type: (field definition, value, order context, answers) -> French error messages."""
import re

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_STROKES, MAX_POINTS = 200, 5000


def _serial(field, value, context, answers):
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return ["Numéro de série invalide."]
    return []


def _index(field, value, context, answers):
    if isinstance(value, bool) or not isinstance(value, int):
        return ["L'index doit être un nombre entier."]
    dials = context.get("dials")
    if value < 0 or (dials and value >= 10 ** dials):
        return [f"L'index doit avoir au plus {dials} chiffres." if dials else "L'index doit être positif."]
    errors = []
    previous = context.get("previous_index")
    if previous is not None and value < previous and answers.get(field.get("rollover_field")) is not True:
        errors.append(f"L'index {value} est inférieur au précédent ({previous}) : confirmez le passage par zéro.")
    low, high = context.get("plausible_min"), context.get("plausible_max")
    rolled = answers.get(field.get("rollover_field")) is True
    outside = not rolled and ((low is not None and value < low) or (high is not None and value > high))
    if outside:
        confirmed = answers.get(field.get("confirm_field")) is True
        photos = answers.get(field.get("photo_field")) or []
        if not confirmed or not photos:
            errors.append(f"Index hors de la plage attendue ({low}–{high}) : confirmez-le et joignez une photo.")
    return errors


def _boolean(field, value, context, answers):
    return [] if isinstance(value, bool) else ["Répondez par oui ou non."]


def _text(field, value, context, answers):
    if not isinstance(value, str):
        return ["Texte attendu."]
    limit = field.get("max_length") or 2000
    return [f"Au plus {limit} caractères."] if len(value) > limit else []


def _choice(field, value, context, answers):
    allowed = [o["value"] for o in field.get("options") or []]
    return [] if value in allowed else ["Choix invalide."]


def _photo(field, value, context, answers):
    if not isinstance(value, list) or not all(isinstance(h, str) and SHA256.match(h) for h in value):
        return ["Liste de photos invalide."]
    low, high = field.get("min") or 0, field.get("max") or 10
    if len(value) > high:
        return [f"Au plus {high} photo(s)."]
    if value and len(value) < low:
        return [f"Au moins {low} photo(s)."]
    return []


def _signature(field, value, context, answers):
    if not isinstance(value, dict) or not SHA256.match(str(value.get("sha256", ""))):
        return ["Signature invalide."]
    if not isinstance(value.get("signer_name"), str) or not value["signer_name"].strip():
        return ["Le nom du signataire est requis."]
    strokes = value.get("strokes", [])
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES:
        return ["Tracé de signature invalide."]
    points = 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            return ["Tracé de signature invalide."]
        for point in stroke:
            valid = isinstance(point, list) and len(point) == 2 and all(
                isinstance(c, (int, float)) and not isinstance(c, bool) for c in point)
            if not valid:
                return ["Tracé de signature invalide."]
        points += len(stroke)
    return ["Tracé de signature trop long."] if points > MAX_POINTS else []


def _checklist(field, value, context, answers):
    steps = [s["id"] for s in field.get("steps") or []]
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        return ["Liste d'étapes invalide."]
    if set(value) - set(steps) or len(set(value)) != len(value):
        return ["Étape inconnue ou cochée deux fois."]
    if field.get("ordered") and value != steps[:len(value)]:
        return ["Les étapes doivent être cochées dans l'ordre du mode opératoire."]
    return []


def _person(field, value, context, answers):
    if not isinstance(value, dict) or not isinstance(value.get("name"), str) or not value["name"].strip():
        return ["Le nom est requis."]
    for key in ("phone", "email"):
        if value.get(key) is not None and (not isinstance(value[key], str) or len(value[key]) > 254):
            return ["Coordonnées invalides."]
    if set(value) - {"name", "phone", "email"}:
        return ["Champ inconnu dans les coordonnées."]
    return []


VALIDATORS = {"serial": _serial, "index": _index, "boolean": _boolean, "text": _text, "choice": _choice,
              "photo": _photo, "signature": _signature, "checklist": _checklist, "person": _person}


def is_empty(field, value) -> bool:
    """Whether a required field counts as not filled in."""
    if value is None or value == "" or value == [] or value == {}:
        return True
    if field["type"] == "checklist":
        return len(value) != len(field.get("steps") or [])
    return False
