"""The JSON API for the tablets under /api/v1: bearer tokens, never cookies, JSON errors only."""
from .blueprint import api_bp  # noqa: F401  (create_app registers it)
from . import blobs, devices, exports, meta, sync  # noqa: F401  (views register on api_bp)
