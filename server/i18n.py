"""One translation mechanism for every user-facing string: French source text, other catalogs by language."""
from flask import current_app

# Catalogs map the French source text to another language; French needs none.
CATALOGS: dict[str, dict[str, str]] = {"fr": {}, "en": {}}


def translate(text: str, **values) -> str:
    language = current_app.config.get("LANGUAGE", "fr") if current_app else "fr"
    translated = CATALOGS.get(language, {}).get(text, text)
    return translated.format(**values) if values else translated
