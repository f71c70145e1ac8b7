"""The dependency rules of DESIGN.md §6, checked by parsing imports."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STDLIB = set(__import__("sys").stdlib_module_names)


def imports_of(path: Path) -> list[tuple[str, int]]:
    """(absolute-ish module name, level) of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def python_files(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("package,allowed", [
    ("forms", {"marshmallow"}),
    ("sync", {"marshmallow", "forms"}),
])
def test_pure_packages_import_only_stdlib_and_marshmallow(package, allowed):
    for path in python_files(package):
        for name, level in imports_of(path):
            top = name.split(".")[0]
            if level == 0:
                assert top in STDLIB or top in allowed or top == package, f"{path.relative_to(ROOT)} imports {name}"


def test_services_never_touch_the_request():
    for path in python_files("server/services"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                names = {a.name for a in node.names}
                assert not names & {"request", "g", "session"}, f"{path.relative_to(ROOT)} imports {names}"


def test_documents_do_not_import_models_or_db():
    for path in python_files("server/documents"):
        for name, level in imports_of(path):
            assert "models" not in name and "extensions" not in name, f"{path.relative_to(ROOT)} imports {name}"


def test_views_do_not_query_or_commit():
    for folder in ("server/web", "server/api"):
        for path in python_files(folder):
            source = path.read_text(encoding="utf-8")
            assert "db.session" not in source, f"{path.relative_to(ROOT)} uses db.session"
            for name, level in imports_of(path):
                assert not name.endswith("extensions") or level == 0, f"{path.relative_to(ROOT)} imports {name}"


def test_models_import_only_extensions_and_sibling_models():
    for path in python_files("server/models"):
        for name, level in imports_of(path):
            if level == 2:
                assert name == "extensions", f"{path.relative_to(ROOT)} imports ..{name}"
            elif level == 0:
                assert name.split(".")[0] in STDLIB | {"sqlalchemy"}, f"{path.relative_to(ROOT)} imports {name}"


def test_only_create_app_imports_blueprints():
    for path in python_files("server"):
        if path.name == "__init__.py" and path.parent.name == "server":
            continue
        for name, level in imports_of(path):
            assert not (name.endswith("pwa_host") or name in ("web", "api")) or path.parent.name in ("web", "api"), \
                f"{path.relative_to(ROOT)} imports the blueprint module {name}"


def test_tablet_storage_and_sync_never_touch_the_dom():
    for folder in ("pwa/src/db", "pwa/src/sync"):
        for path in sorted((ROOT / folder).rglob("*.js")):
            source = path.read_text(encoding="utf-8")
            for word in ("document.", "window."):
                assert word not in source, f"{path.relative_to(ROOT)} uses {word}"
