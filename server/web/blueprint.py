"""The office blueprint object, apart from its views so that they import it without a loop."""
from flask import Blueprint

web_bp = Blueprint("web", __name__)
