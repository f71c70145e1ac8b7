"""Bank account numbers (ISO 13616 IBAN), pure: the check an agent gets when typing one, how one is shown
(the last four characters only, W24), and the check digits of a national account number (demo and generated
data)."""
from ...errors import DomainError

IBAN_LENGTHS = {"FR": 27, "BJ": 28}    # ISO 13616 registry; other countries: 15 to 34 characters
IBAN_MIN, IBAN_MAX = 15, 34


def normalize_iban(text: str | None) -> str:
    """As typed or printed ("fr76 3000 4000 …") to the electronic form ("FR763000400…")."""
    return "".join((text or "").split()).upper()


def iban_problem(text: str | None) -> str | None:
    """Why this IBAN cannot receive a transfer (French, for the agent), or None when it can: letters and
    digits only, country code and check digits, the country's length, ISO 13616 mod-97 check equal to 1."""
    iban = normalize_iban(text)
    if not iban:
        return "IBAN requis."
    if not (iban.isascii() and iban.isalnum()):
        return "L'IBAN ne contient que des lettres et des chiffres."
    if len(iban) < 4 or not (iban[:2].isalpha() and iban[2:4].isdigit()):
        return "Un IBAN commence par le code du pays (2 lettres) suivi de 2 chiffres de contrôle (ex. FR76…)."
    country, expected = iban[:2], IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        return f"Un IBAN {country} compte {expected} caractères ; {len(iban)} saisis."
    if not expected and not IBAN_MIN <= len(iban) <= IBAN_MAX:
        return f"Un IBAN compte de {IBAN_MIN} à {IBAN_MAX} caractères ; {len(iban)} saisis."
    if iban_remainder(iban) != 1:
        return "IBAN invalide : la clé de contrôle ne correspond pas (erreur de saisie ?)."
    return None


LETTERS_AS_NUMBERS = str.maketrans({letter: str(int(letter, 36)) for letter in
                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"})


def iban_remainder(iban: str) -> int:
    """ISO 13616: the first four characters moved to the end, letters as numbers (A=10 … Z=35), mod 97."""
    rearranged = iban[4:] + iban[:4]
    return int(rearranged.translate(LETTERS_AS_NUMBERS)) % 97


def iban_for(country: str, bban: str) -> str:
    """The IBAN of a national account number, with its check digits (ISO 13616)."""
    return f"{country}{98 - iban_remainder(f'{country}00{bban}'):02d}{bban}"


def valid_iban(text: str | None) -> str:
    """The normalised IBAN, or DomainError with the French reason."""
    problem = iban_problem(text)
    if problem:
        raise DomainError(problem, {"iban": [problem]})
    return normalize_iban(text)


def mask_iban(iban: str | None) -> str:
    """Only the last four characters in a list or the audit trail (W24); the full IBAN goes to accounting's
    CSV only."""
    iban = normalize_iban(iban)
    return f"**** {iban[-4:]}" if iban else "—"


def account_ending(iban: str | None) -> str | None:
    """How a page names the account (W24), as the contract PDF does: "compte se terminant par 0143"."""
    iban = normalize_iban(iban)
    return f"compte se terminant par {iban[-4:]}" if iban else None
