"""Validating a technician's submission against its form definition and the order's context: the same
rules on the server (push) and on the tablet (pwa/src/forms/validate.js), shared golden cases in
fixtures/forms/cases.json. Never raises on what a tablet sends: every problem is a French message."""
from .fields import VALIDATORS, is_blank, is_complete, is_integer

MAX_DIALS = 15
MIN_SERIAL_FOR_TYPO = 6  # on a shorter serial, one character off is another number, not a slip
# What a technician must do to answer a required field that is still blank, by field type.
WHAT_TO_DO = {"serial": "Confirmez le n° du compteur ou saisissez celui que vous lisez.",
              "index": "Saisissez l'index lu sur le cadran.", "boolean": "Répondez oui ou non.",
              "text": "Écrivez ce qu'il faut savoir ici.", "choice": "Choisissez une réponse.",
              "photo": "Prenez une photo.", "signature": "Signez dans le cadre.",
              "checklist": "Cochez les étapes une à une.", "person": "Indiquez le nom de la personne."}


def validate_submission(definition: dict, outcome, answers, order_context,
                        reason_code=None) -> dict[str, list[str]]:
    """{} when the submission is acceptable, else French messages keyed by field id, "outcome",
    "reason_code" or "answers" (answers not an object)."""
    outcomes = {o["code"]: o for o in definition["outcomes"]}
    if not isinstance(outcome, str) or outcome not in outcomes:
        return {"outcome": ["Résultat inconnu pour ce formulaire."]}
    if not isinstance(answers, dict):
        return {"answers": ["Réponses invalides : un objet {champ: valeur} est attendu."]}
    chosen = outcomes[outcome]
    context = order_facts(order_context)
    errors: dict[str, list[str]] = {}
    reason_error = reason_problem(chosen, reason_code)
    if reason_error:
        errors["reason_code"] = [reason_error]
    fields = {f["id"]: f for f in definition["fields"]}
    for key in answers:
        if key not in fields:
            errors[str(key)] = ["Champ inconnu pour ce formulaire."]
    for field in definition["fields"]:
        problems = field_problems(field, chosen, answers, context, fields)
        if problems:
            errors[field["id"]] = problems
    return errors


def reason_problem(outcome: dict, reason_code) -> str | None:
    """An outcome with reasons needs one of them; an outcome without takes none."""
    reasons = [r["code"] for r in outcome.get("reasons", [])]
    if reasons and reason_code is None:
        return "Précisez le motif."
    if reasons and (not isinstance(reason_code, str) or reason_code not in reasons):
        return "Motif inconnu pour ce résultat."
    if not reasons and reason_code is not None:
        return "Ce résultat ne prend pas de motif."
    return None


def field_problems(field: dict, outcome: dict, answers: dict, context: dict, fields: dict) -> list[str]:
    """Required or not, well typed, allowed by the other answers, the value the outcome expects."""
    value = answers.get(field["id"])
    if is_blank(value):
        if field["id"] in outcome["requires"]:
            return [WHAT_TO_DO[field["type"]]]
        if condition_holds(field.get("required_when"), answers):
            return [f"Obligatoire puisque {describe(field['required_when'], fields)}."]
        return []
    problems = VALIDATORS[field["type"]](field, value, context, answers)
    if problems:
        return problems
    if is_required(field, outcome, answers) and not is_complete(field, value):
        problems.append(f"Cochez toutes les étapes ({len(value)}/{len(field['steps'])}).")
    if field.get("allowed_when") and value is not False and not condition_holds(field["allowed_when"], answers):
        problems.append(f"Sans objet sauf si {describe(field['allowed_when'], fields)} : effacez ce champ.")
    if outcome["code"] in field.get("must_be_true_for", []) and value is not True:
        problems.append(f"Doit être confirmé pour le résultat « {outcome['label']} ».")
    if field["id"] == "meter_serial":
        problems += serial_mismatch(outcome["code"], value, context)
    return problems


def is_required(field: dict, outcome: dict, answers: dict) -> bool:
    """Listed by the outcome, or made required by another answer (required_when)."""
    return field["id"] in outcome["requires"] or condition_holds(field.get("required_when"), answers)


def condition_holds(condition: dict | None, answers: dict) -> bool:
    """Every {field id: value} pair holds, comparing JSON values strictly (true is not 1)."""
    return bool(condition) and all(_same(answers.get(k), v) for k, v in condition.items())


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def describe(condition: dict, fields: dict) -> str:
    """A condition in French with the labels the technician sees: « Demandeur présent » = oui."""
    parts = []
    for field_id, value in condition.items():
        field = fields.get(field_id, {"label": field_id})
        if isinstance(value, bool):
            shown = "oui" if value else "non"
        else:
            shown = "« " + next((o["label"] for o in field.get("options", []) if o["value"] == value), str(value)) + " »"
        parts.append(f"« {field['label']} » = {shown}")
    return " et ".join(parts)


def serial_mismatch(outcome_code: str, value: str, context: dict) -> list[str]:
    """A meter that is not the order's is an anomaly to declare, never a silent pass."""
    expected = context.get("meter_serial")
    found, wanted = value.strip().upper(), (expected or "").strip().upper()
    if outcome_code == "anomaly" or not expected or found == wanted:
        return []
    if len(wanted) >= MIN_SERIAL_FOR_TYPO and one_edit_apart(found, wanted):
        return [f"Vérifiez la saisie : {value.strip()} diffère d'un caractère du n° attendu ({expected.strip()}). "
                "Si c'est bien le n° lu sur le compteur, déclarez une anomalie."]
    return [f"Le compteur trouvé ({value.strip()}) n'est pas celui de l'ordre ({expected.strip()}) : déclarez une anomalie."]


def one_edit_apart(a: str, b: str) -> bool:
    """One character replaced, added, removed, or two neighbours swapped: a typing slip, not another meter."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    start = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if len(a) == len(b):
        swapped = a[start + 1:start + 2] + a[start:start + 1] == b[start:start + 2]
        return a[start + 1:] == b[start + 1:] or (swapped and a[start + 2:] == b[start + 2:])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[start + 1:] == shorter[start:]


def order_facts(order_context) -> dict:
    """The order context with anything malformed dropped (a missing fact only skips its check)."""
    given = order_context if isinstance(order_context, dict) else {}
    serial = given.get("meter_serial")
    dials = given.get("dials")
    facts = {"meter_serial": serial if isinstance(serial, str) and serial.strip() else None,
             "dials": dials if is_integer(dials) and 1 <= dials <= MAX_DIALS else None}
    for key in ("previous_index", "plausible_min", "plausible_max"):
        value = given.get(key)
        facts[key] = value if is_integer(value) and value >= 0 else None
    return facts
