"""Serves the offline field app of pwa/ under /app/, with a version and a precache list from hashes.

At startup every file of the app shell is hashed; the version is the hash of that list, so any
changed file changes the service worker's bytes and ships (DESIGN.md §6). The service worker is
served with the shell injected on its first line and `Cache-Control: no-cache`.
"""
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, send_file

pwa_bp = Blueprint("pwa", __name__)

SCOPE = "/app/"
MIME_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json",
    ".webmanifest": "application/manifest+json", ".png": "image/png", ".svg": "image/svg+xml",
    ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8",
}
NOT_SHIPPED = {"sw.js", "README.md"}  # sw.js is served on its own route; docs are not the app


@dataclass(frozen=True)
class Shell:
    """The app shell: file -> sha256, and the version derived from them."""

    version: str
    files: dict
    preload: tuple = ()

    def precache(self) -> list[str]:
        return [SCOPE] + [SCOPE + name for name in sorted(self.files) if name != "index.html"]


def hash_shell(root: Path) -> Shell:
    """Hash every shipped file under `root`; the version is the hash of the sorted list."""
    files = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and path.suffix in MIME_TYPES and not _hidden(name) and name not in NOT_SHIPPED:
            files[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    listing = "\n".join(f"{name} {digest}" for name, digest in files.items())
    sw_hash = hashlib.sha256((root / "sw.js").read_bytes()).hexdigest() if (root / "sw.js").exists() else ""
    version = hashlib.sha256((listing + "\nsw.js " + sw_hash).encode()).hexdigest()[:16]
    return Shell(version=version, files=files, preload=tuple(start_up_modules(root)))


def _hidden(name: str) -> bool:
    return any(part.startswith(".") for part in name.split("/"))


@pwa_bp.record_once
def _hash_at_startup(state):
    root = Path(state.app.config.get("PWA_DIR") or Path(__file__).resolve().parent.parent / "pwa")
    state.app.extensions["pwa_shell"] = (root, hash_shell(root))


def _shell() -> tuple[Path, Shell]:
    return current_app.extensions["pwa_shell"]


def _no_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-cache"
    return response


@pwa_bp.route("/app")
def app_redirect():
    return redirect(SCOPE, code=301)


PRELOAD_MARK = "<!-- modulepreload: the server lists every module here, so they load in parallel -->"


STATIC_IMPORT = re.compile(r"^import\s[^;]*?from\s+'(\.{1,2}/[^']+)';", re.M)


# The app's start-up graph, and the first screen of a tablet never enrolled (a dynamic import in app.js):
# a first visit then loads its screen in the same round trip as the rest (one waterfall step less).
PRELOAD_ENTRIES = ("src/app.js", "src/views/login.js")


def start_up_modules(root: Path) -> list[str]:
    return sorted(set().union(*(static_imports(root, entry) for entry in PRELOAD_ENTRIES)))


def static_imports(root: Path, entry: str = "src/app.js") -> list[str]:
    """Every module the entry reaches through static imports (dynamic `import()` left out: those
    load later, on demand), as paths relative to `root`."""
    seen, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name in seen or not (root / name).is_file():
            continue
        seen.add(name)
        for target in STATIC_IMPORT.findall((root / name).read_text(encoding="utf-8")):
            todo.append(_normalise(f"{Path(name).parent.as_posix()}/{target}"))
    return sorted(seen)


def _normalise(path: str) -> str:
    parts = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


@pwa_bp.route("/app/")
def app_index():
    """index.html with a modulepreload link per module of the start-up graph (one round trip), in a
    template that `src/start.js` adds to the page once the first screen is painted."""
    root, shell = _shell()
    links = "\n".join(f'<link rel="modulepreload" href="{name}">' for name in shell.preload)
    listed = f'<template id="start-up-modules">\n{links}\n</template>'   # inert until src/start.js adds it
    html = (root / "index.html").read_text(encoding="utf-8").replace(PRELOAD_MARK, listed)
    return _no_cache(Response(html, mimetype="text/html"))


@pwa_bp.route("/app/sw.js")
def service_worker():
    root, shell = _shell()
    header = "self.SHELL = " + json.dumps({"version": shell.version, "files": shell.precache()}) + ";\n"
    body = header + (root / "sw.js").read_text(encoding="utf-8")
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = SCOPE
    return _no_cache(response)


@pwa_bp.route("/app/precache.json")
def precache_list():
    _, shell = _shell()
    return _no_cache(current_app.response_class(
        json.dumps({"version": shell.version, "files": shell.precache()}), mimetype="application/json"))


@pwa_bp.route("/app/<path:filename>")
def app_file(filename: str):
    root, shell = _shell()
    if filename not in shell.files:
        abort(404)
    response = send_file(root / filename, mimetype=MIME_TYPES[Path(filename).suffix], etag=True,
                         conditional=True, max_age=0)
    if response.status_code == 200:  # small files: read once, so they are gzipped like any answer
        response.direct_passthrough = False
        response.make_sequence()
    return _no_cache(response)
