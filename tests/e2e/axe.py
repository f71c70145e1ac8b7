"""axe-core, the accessibility checker, run inside the browser tests. The npm package is installed by
the suite itself into a cache directory the first time (npm from Debian; the npm registry), so a fresh
machine needs nothing more than `make test`."""
import os
import subprocess
from functools import lru_cache
from pathlib import Path

AXE_VERSION = "4.14.1"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
         "resultTypes": ["violations"]}


def cache_dir() -> Path:
    base = os.environ.get("TOURNEE_TEST_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache",
                                                                   "tournee-tests")
    return Path(base) / f"axe-core-{AXE_VERSION}"


@lru_cache(maxsize=1)
def axe_source() -> str:
    """The text of axe.min.js, installed with npm into the cache on first use."""
    target = cache_dir()
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(target), "--no-audit", "--no-fund", "--silent",
                        f"axe-core@{AXE_VERSION}"], check=True, timeout=300)
    return script.read_text(encoding="utf-8")


def violations(page, context: str = "document") -> list[dict]:
    """axe's violations on the page as it is now: [{"id", "help", "targets"}]. Injected through the
    DevTools protocol (page.evaluate), so the pages' Content-Security-Policy stays as it is."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(axe_source() + "\n;0")
    found = page.evaluate("""async ([context, rules]) => {
        const result = await window.axe.run(context === 'document' ? document : document.querySelector(context), rules);
        return result.violations.map((v) => ({ id: v.id, help: v.help,
            targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 160)) }));
    }""", [context, RULES])
    return found
