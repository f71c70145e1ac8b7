"""Bearer-token authentication of the tablets: the device and its user on `g`, or 401."""
from functools import wraps

from datetime import datetime, timezone

from flask import current_app, g, request

from ..services.base.scope import check_route_arguments
from ..services.field.devices import device_for_token


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def device_required(view):
    """Only a live enrolled device (a session cookie is ignored here)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        g.device, g.api_user = device_for_token(bearer_token(), now=datetime.now(timezone.utc),
                                                idle_days=current_app.config["DEVICE_IDLE_DAYS"])
        check_route_arguments(g.api_user, kwargs)  # every id in the URL is of the user's scope
        return view(*args, **kwargs)
    wrapped.device_required = True
    return wrapped
