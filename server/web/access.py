"""Role checks for office views: every route names the roles allowed to use it."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..services.base.scope import check_route_arguments

OFFICE_ROLES = ("agent", "chief", "controller", "cashier", "admin")


def roles_required(*roles: str):
    """Signed-in users of these roles only; others get 403 (the list is tested route by route). The objects the
    URL names must be of the user's scope (services.base.scope), else 404."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            check_route_arguments(current_user, kwargs)  # every id in the URL is of the user's scope
            return view(*args, **kwargs)
        wrapped.allowed_roles = roles
        return wrapped
    return decorator
