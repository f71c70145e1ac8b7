"""Loading the field-form definitions: one JSON file per order type and version, `<TYPE>.v<version>.json`
in forms/definitions/, each checked (schema.py) before anything uses it."""
import json
from functools import lru_cache
from pathlib import Path

from .schema import reference_problems, schema_problems

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


class DefinitionError(ValueError):
    """A definition file is malformed; the message names the file and every problem found."""


def parse_definition(path: Path) -> dict:
    """The definition in `path`, checked; a DefinitionError names the file and the problems."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DefinitionError(f"{path.name}: not a readable JSON file ({err})") from err
    problems = schema_problems(raw) or reference_problems(raw)
    if not problems:
        expected = f"{raw['type']}.v{raw['version']}.json"
        if path.name != expected:
            problems = [f"the file of {raw['type']} version {raw['version']} must be named {expected}"]
    if problems:
        raise DefinitionError(f"{path.name}: " + "; ".join(problems))
    return raw


@lru_cache(maxsize=8)
def _load_directory(directory: str) -> dict:
    loaded = {}
    for path in sorted(Path(directory).glob("*.json")):
        definition = parse_definition(path)
        loaded[(definition["type"], definition["version"])] = definition
    if not loaded:
        raise DefinitionError(f"{directory}: no definition file (*.json)")
    return loaded


def load_definitions(directory: Path = DEFINITIONS_DIR) -> dict[tuple[str, int], dict]:
    """Every definition keyed by (type, version). Read once per process and shared: treat them as
    read-only (the returned mapping is a fresh copy, so adding keys to it is harmless)."""
    return dict(_load_directory(str(Path(directory).resolve())))


def get_definition(order_type: str, version: int | None = None, directory: Path = DEFINITIONS_DIR) -> dict:
    """The definition of this type at `version`, or its latest version when None; KeyError when unknown."""
    definitions = load_definitions(directory)
    if version is not None:
        return definitions[(order_type, version)]
    versions = [v for (t, v) in definitions if t == order_type]
    if not versions:
        raise KeyError(order_type)
    return definitions[(order_type, max(versions))]


def current_versions(directory: Path = DEFINITIONS_DIR) -> dict[str, int]:
    """Order type -> latest definition version (what a tablet must hold to work offline)."""
    latest: dict[str, int] = {}
    for order_type, version in load_definitions(directory):
        latest[order_type] = max(version, latest.get(order_type, 0))
    return latest
