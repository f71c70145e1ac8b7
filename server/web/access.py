"""Role checks for office views: every route names the roles allowed to use it."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

OFFICE_ROLES = ("agent", "chief", "controller", "cashier", "admin")


def roles_required(*roles: str):
    """Signed-in users of these roles only; others get 403 (the list is tested route by route)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.allowed_roles = roles
        return wrapped
    return decorator
