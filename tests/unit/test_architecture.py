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


# The stages of server/services, lowest first: a package imports only the packages before it (README).
SERVICE_PACKAGES = ["rules", "planning", "base", "dossiers", "closing", "intake", "review", "field", "reporting",
                    "own_data", "operations"]
REQUEST_SIDE = {"flask.request", "flask.session", "flask.g", "flask_login"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for folder in ("server", "forms", "sync") for path in python_files(folder)}


def imported_names(path: Path) -> set[str]:
    """Every name a module imports, absolute: `from x import y` gives x and x.y (a submodule or not)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def import_graph() -> dict[str, set[str]]:
    """Project module → the project modules it imports (a name resolves to its longest known module)."""
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in imported_names(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, loops = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return loops


def test_no_import_loop_in_server_forms_or_sync():
    assert import_loops(import_graph()) == []


def test_import_loops_are_found():
    assert import_loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 3 and parts[:2] == ["server", "services"] else None


def test_every_service_module_lives_in_a_stage_package():
    for path in python_files("server/services"):
        relative = path.relative_to(ROOT / "server/services")
        assert relative == Path("__init__.py") or relative.parts[0] in SERVICE_PACKAGES, f"{relative} is in no stage"


def test_service_packages_import_only_packages_below_them():
    for module, targets in import_graph().items():
        stage = stage_of(module)
        if stage is None:
            continue
        for target in targets:
            below = stage_of(target)
            if below is not None:
                assert SERVICE_PACKAGES.index(below) <= SERVICE_PACKAGES.index(stage), \
                    f"{module} ({stage}) imports {target} ({below}), a stage above it"


def test_pure_rules_touch_no_database_and_no_request():
    """Rules may read the app's configuration (the business calendar setting), nothing else of Flask."""
    for path in python_files("server/services/rules"):
        for name in imported_names(path):
            top = name.split(".")[0]
            assert top in STDLIB | {"forms", "sync", "server"} or name in ("flask", "flask.current_app",
                                                                            "flask.has_app_context"), \
                f"{path.relative_to(ROOT)} imports {name}"
            assert top != "server" or name.startswith("server.errors") or name.startswith("server.services.rules"), \
                f"{path.relative_to(ROOT)} imports {name}"


def test_planning_core_touches_no_database_and_no_flask():
    """The planning core is pure: plain dataclasses in and out, OR-Tools for the search."""
    for path in python_files("server/services/planning"):
        for name in imported_names(path):
            top = name.split(".")[0]
            assert top in STDLIB | {"ortools", "server"}, f"{path.relative_to(ROOT)} imports {name}"
            assert top != "server" or name.startswith(("server.services.planning", "server.services.rules")), \
                f"{path.relative_to(ROOT)} imports {name}"


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def test_services_never_reach_the_request_directly_or_through_another_module():
    graph = import_graph()
    modules = project_modules()
    for module in sorted(m for m in graph if m.startswith("server.services")):
        for reached in {module} | reachable(graph, module):
            assert not reached.startswith("server.web"), f"{module} reaches {reached}"
            outside = {name for name in imported_names(modules[reached]) if name.split(".")[0] in ("flask", "flask_login")}
            touching = {name for name in outside if name in REQUEST_SIDE or name.startswith("flask_login")}
            assert not touching, f"{module} reaches {reached}, which imports {sorted(touching)}"


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
