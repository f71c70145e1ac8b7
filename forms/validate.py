"""Validating a technician's submission against its form definition and the order's context."""
from .fields import VALIDATORS, is_empty

MISSING = "Champ obligatoire pour ce résultat."


def _condition_holds(condition: dict | None, answers: dict) -> bool:
    return bool(condition) and all(answers.get(k) == v for k, v in condition.items())


def _serial_mismatch(definition: dict, outcome: str, answers: dict, context: dict) -> list[str]:
    """A serial that is not the order's meter is an anomaly to declare, never a silent pass."""
    expected, given = context.get("meter_serial"), answers.get("meter_serial")
    if outcome == "anomaly" or not expected or not isinstance(given, str) or not given.strip():
        return []
    if given.strip().upper() != str(expected).strip().upper():
        return [f"Le compteur trouvé ({given}) n'est pas celui de l'ordre ({expected}) : déclarez une anomalie."]
    return []


def validate_submission(definition: dict, outcome: str, answers: dict, order_context: dict,
                        reason_code: str | None = None) -> dict[str, list[str]]:
    """{} when the submission is acceptable, else French messages keyed by field id, "outcome" or "reason_code"."""
    outcomes = {o["code"]: o for o in definition["outcomes"]}
    if outcome not in outcomes:
        return {"outcome": ["Résultat inconnu pour ce formulaire."]}
    if not isinstance(answers, dict):
        return {"answers": ["Réponses invalides."]}
    errors: dict[str, list[str]] = {}
    chosen = outcomes[outcome]
    reasons = [r["code"] for r in chosen.get("reasons") or []]
    if reasons and reason_code not in reasons:
        errors["reason_code"] = ["Précisez le motif."]
    elif not reasons and reason_code is not None:
        errors["reason_code"] = ["Ce résultat ne prend pas de motif."]
    fields = {f["id"]: f for f in definition["fields"]}
    for key in set(answers) - set(fields):
        errors[key] = ["Champ inconnu."]
    for field_id, field in fields.items():
        value = answers.get(field_id)
        problems = []
        required = field_id in chosen["requires"] or _condition_holds(field.get("required_when"), answers)
        if is_empty(field, value):
            if required:
                problems.append(MISSING)
        else:
            if field.get("allowed_when") and not _condition_holds(field["allowed_when"], answers) and value is not False:
                problems.append("Champ non applicable ici.")
            problems += VALIDATORS[field["type"]](field, value, order_context, answers)
            if outcome in field.get("must_be_true_for", []) and value is not True:
                problems.append("Doit être confirmé pour ce résultat.")
        if field["type"] == "serial" and field_id == "meter_serial":
            problems += _serial_mismatch(definition, outcome, answers, order_context)
        if problems:
            errors[field_id] = problems
    return errors
