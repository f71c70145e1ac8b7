"""`make mutate`: mutation testing of the pure rule and money modules with mutmut (configured in
pyproject.toml, [tool.mutmut]), scored per module against the goal of 90 % killed.

Set aside, and listed with their reason in bench/mutation-survivors.md:
- message-only mutants: the mutant differs from the original only in the wording of a French message
  (a string literal with a space in it, at least 12 characters long), which no rule depends on;
- equivalent mutants: listed by hand in bench/mutation-equivalents.txt (`mutant-name  reason`), each one a
  change that cannot alter any result (e.g. a codec name's case).
Usage: python bench/mutation.py [--report-only]
"""
import ast
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOAL = 0.90
EQUIVALENTS = ROOT / "bench" / "mutation-equivalents.txt"
SURVIVORS = ROOT / "bench" / "mutation-survivors.md"


def run_mutmut() -> None:
    """The tests run on a machine clock that is not UTC, so that a rule reading the machine's local time
    instead of UTC is caught (TZ=UTC would hide it)."""
    log = ROOT / "mutants-run.log"
    env = {**os.environ, "TZ": "America/St_Johns"}
    with log.open("w") as out:
        subprocess.run([str(BIN / "mutmut"), "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                       check=False)


def results() -> dict[str, str]:
    """mutant name → status (killed, survived, no tests, timeout, …)."""
    text = subprocess.run([str(BIN / "mutmut"), "results", "--all", "true"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    found = {}
    for line in text.splitlines():
        name, _, status = line.strip().partition(": ")
        if status:
            found[name] = status.strip()
    return found


def module_of(mutant: str) -> str:
    for marker in (".x_", ".xǁ"):
        if marker in mutant:
            return mutant.split(marker)[0]
    return mutant.rsplit(".", 1)[0]


def functions_of(module: str) -> dict[str, ast.FunctionDef]:
    path = ROOT / "mutants" / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def is_message(value) -> bool:
    return isinstance(value, str) and " " in value and len(value) >= 12


def message_only(mutant: str, functions: dict[str, ast.FunctionDef]) -> bool:
    """True when the mutant changes nothing but the wording of messages."""
    name = mutant[len(module_of(mutant)) + 1:]
    original = functions.get(name.rsplit("__mutmut_", 1)[0] + "__mutmut_orig")
    changed = functions.get(name)
    if original is None or changed is None:
        return False
    before, after = list(ast.walk(original)), list(ast.walk(changed))
    if len(before) != len(after):
        return False
    differences = 0
    for old, new in zip(before[1:], after[1:]):  # the first node is the def itself, named differently
        if type(old) is not type(new):
            return False
        if isinstance(old, ast.Constant):
            if old.value != new.value:
                if not (is_message(old.value) and isinstance(new.value, (str, type(None)))):
                    return False
                differences += 1
        elif not isinstance(old, (ast.expr_context,)) and _fields(old) != _fields(new):
            return False
    return differences > 0


def _fields(node: ast.AST) -> tuple:
    """The node's own scalar fields (operators, names), not its children."""
    return tuple((field, getattr(node, field)) for field in node._fields
                 if not isinstance(getattr(node, field), (ast.AST, list)))


def equivalents() -> dict[str, str]:
    found = {}
    if EQUIVALENTS.exists():
        for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.strip().partition(" ")
                found[name] = reason.strip()
    return found


def main() -> int:
    if "--report-only" not in sys.argv:
        run_mutmut()
    statuses = results()
    by_hand = equivalents()
    per_module: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    functions_cache: dict[str, dict] = {}
    for mutant, status in sorted(statuses.items()):
        module = module_of(mutant)
        if status == "killed" or status == "timeout":
            per_module[module]["killed"].append(mutant)
        elif mutant in by_hand:
            per_module[module]["equivalent"].append(mutant)
        else:
            if module not in functions_cache:
                functions_cache[module] = functions_of(module)
            functions = functions_cache[module]
            kind = "message" if message_only(mutant, functions) else "survived"
            per_module[module][kind].append(mutant)
    lines = [f"# Mutation testing: survivors and set-aside mutants ({date.today().isoformat()})", "",
             "Written by `make mutate` (bench/mutation.py). Score = killed / (all − set aside).", "",
             "| module | mutants | killed | message-only | equivalent | survived | score |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    failing = []
    for module, kinds in sorted(per_module.items()):
        total = sum(len(v) for v in kinds.values())
        counted = total - len(kinds["message"]) - len(kinds["equivalent"])
        score = len(kinds["killed"]) / counted if counted else 1.0
        if score < GOAL:
            failing.append(module)
        lines.append(f"| `{module}` | {total} | {len(kinds['killed'])} | {len(kinds['message'])} | "
                     f"{len(kinds['equivalent'])} | {len(kinds['survived'])} | {score:.0%} |")
    for module, kinds in sorted(per_module.items()):
        if kinds["survived"] or kinds["equivalent"] or kinds["message"]:
            lines += ["", f"## `{module}`", ""]
            lines += [f"- survived: `{m}`" for m in kinds["survived"]]
            lines += [f"- equivalent: `{m}` — {by_hand[m]}" for m in kinds["equivalent"]]
            lines += [f"- message-only: `{m}`" for m in kinds["message"]]
    SURVIVORS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:6 + len(per_module)]))
    if failing:
        print(f"\nBelow the goal of {GOAL:.0%}: {', '.join(failing)} (see {SURVIVORS.relative_to(ROOT)})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
