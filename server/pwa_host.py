"""Serves the offline field app of pwa/ under /app/."""
from flask import Blueprint, send_from_directory

from .config import PROJECT_ROOT

PWA_DIR = PROJECT_ROOT / "pwa"

pwa_bp = Blueprint("pwa", __name__)


@pwa_bp.route("/app/")
def app_index():
    return send_from_directory(PWA_DIR, "index.html")


@pwa_bp.route("/app/<path:filename>")
def app_file(filename: str):
    return send_from_directory(PWA_DIR, filename)
