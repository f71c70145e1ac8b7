"""IBAN checks at their limits: the four-character prefix, the lengths of countries we do not list."""
import pytest

from server.services.rules.iban import IBAN_MAX, IBAN_MIN, iban_for, iban_problem

PREFIX = "Un IBAN commence par le code du pays (2 lettres) suivi de 2 chiffres de contrôle (ex. FR76…)."


@pytest.mark.parametrize("text,problem", [
    ("DE1", PREFIX),
    ("DE12", "Un IBAN compte de 15 à 34 caractères ; 4 saisis."),
    ("DEA2" + "1" * 14, PREFIX),
    ("D112" + "1" * 14, PREFIX),
    ("NO9386011117947", None),                        # Norway: the shortest IBANs, 15 characters
    ("NO938601111794", "Un IBAN compte de 15 à 34 caractères ; 14 saisis."),
    (iban_for("MT", "1" * 30), None),                 # 34 characters
    (iban_for("MT", "1" * 31), "Un IBAN compte de 15 à 34 caractères ; 35 saisis."),
    ("FR76" + "3" * 22, "Un IBAN FR compte 27 caractères ; 26 saisis."),
    ("fr76 3000 6000 0112 3456 7890 189", None),
    ("FR76 3000 6000 0112 3456 7890 188", "IBAN invalide : la clé de contrôle ne correspond pas (erreur de saisie ?)."),
    ("  ", "IBAN requis."),
    ("FR76-3000", "L'IBAN ne contient que des lettres et des chiffres."),
])
def test_iban_problems_at_their_limits(text, problem):
    assert iban_problem(text) == problem


def test_generated_ibans_have_the_limit_lengths():
    assert len(iban_for("MT", "1" * 30)) == IBAN_MAX and len("NO9386011117947") == IBAN_MIN
