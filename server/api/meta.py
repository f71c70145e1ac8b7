"""The API's own description: a trivial ping (benchmark baseline) and the OpenAPI document."""
from flask import jsonify

from .blueprint import api_bp
from .openapi import openapi_document


@api_bp.get("/ping")
def ping():
    return jsonify({"ok": True})


@api_bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
