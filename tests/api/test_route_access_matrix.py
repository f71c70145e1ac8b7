"""Every rule of the app's URL map × every role × an object of each utility (issue 12, PITFALLS 19).

The routes come from the URL map, the roles each route grants from its own `roles_required`, the objects from a
world of two utilities built here: a new route is covered without anyone writing a line. It fails on any access
DESIGN.md §1 does not grant: a role outside its areas, a role the route does not name (403), an object of the
other utility or of another technician (404), a route without a role check, a 500 anywhere."""
import re

import pytest
from werkzeug.routing import Rule

from server.extensions import db
from server.services.base.scope import NOT_FOUND, ROUTE_ARGUMENTS
from tests.api.scope_world import UTILITIES, build_scope_world, token_of
from tests.conftest import csrf_token_from, sign_in

# Routes anyone may reach: sign-in and out, health, static files, the tablet app's files, the API's own
# description and enrolment (which checks the password itself).
PUBLIC = {"web.login", "web.logout", "web.healthz", "web.favicon", "web.home", "static", "api.enrol", "api.ping",
          "api.openapi", "api.export_feed", "api.export_evidence",  # exports: the integration client's own token
          "metrics"}  # /metrics: its own token or admin network (server/metrics.py), no session
# DESIGN.md §1: the office areas (URL prefixes) each role works in; an admin works everywhere, a technician in
# none (the tablet only).
AREAS = {
    "agent": ("/customers", "/contracts", "/dossiers", "/orders", "/reports", "/tasks", "/invoices", "/letters", "/exports",
              "/indicators"),
    "chief": ("/customers", "/devices", "/dispatch", "/reports", "/dossiers", "/orders", "/tasks", "/indicators",
              "/account"),
    "controller": ("/customers", "/invoices", "/reports", "/dossiers", "/orders", "/tasks", "/indicators"),
    "cashier": ("/customers", "/cashier", "/invoices", "/contracts", "/tasks"),
    "technician": ("/account",),
}
for _role in ("agent", "chief", "controller", "cashier"):
    AREAS[_role] += ("/account",)  # everyone's own account (password)
# Routes where who may act is a decision of its own (money leaving the utility), pinned here so that a change
# of roles shows up in review.
DECLARED = {
    "web.invoice_transfer_refund": {"agent", "admin"},  # refund of a credit balance by bank transfer
    "web.invoice_bank_details": {"agent", "admin"},  # the IBAN the refund by transfer goes to
    "web.transfer_list": {"agent", "admin"},
    "web.transfers_csv": {"agent", "admin"},
}
SHA = "0" * 64
# Routes whose service refuses some objects of the user's own scope on purpose (403): a task of another role,
# a technician of another chief's team.
SERVICE_DECIDES = {"web.task_finish", "web.dispatch_technician_day"}


def rules_of(app) -> list[tuple[Rule, object]]:
    return [(rule, app.view_functions[rule.endpoint]) for rule in app.url_map.iter_rules()
            if not rule.endpoint.startswith("pwa.") and rule.endpoint not in PUBLIC]


def office_rules(app):
    return [(rule, view) for rule, view in rules_of(app) if not rule.endpoint.startswith("api.")]


def api_rules(app):
    return [(rule, view) for rule, view in rules_of(app) if rule.endpoint.startswith("api.")]


def path_for(rule: Rule, ids: dict) -> str:
    """The rule's path with the ids of one utility's objects (other arguments: a well-formed value)."""
    def value(match):
        name = match.group(2)
        return str(ids[name]) if name in ids else SHA
    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", value, rule.rule)


def methods_of(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def names_ids(rule: Rule) -> bool:
    return any(name in ROUTE_ARGUMENTS for name in rule.arguments)


def scope_refusal(rule: Rule, answer) -> bool:
    """Whether a 404 is the scope's "not found" of an object the route names (not a service's own refusal)."""
    text = answer.get_data(as_text=True)
    return any(NOT_FOUND[ROUTE_ARGUMENTS[name]] in text for name in rule.arguments if name in ROUTE_ARGUMENTS)


@pytest.fixture
def world(app):
    with app.app_context():
        built = build_scope_world()
        db.session.remove()
    return built


def test_every_route_is_guarded_by_a_role_check_or_a_device_token(sqlite_app):
    for rule, view in rules_of(sqlite_app):
        guarded = getattr(view, "allowed_roles", None) or getattr(view, "device_required", False)
        assert guarded, f"{rule.endpoint} ({rule.rule}) has neither roles_required nor device_required"


def test_every_id_a_route_names_is_known_to_the_scope(sqlite_app):
    for rule, _ in rules_of(sqlite_app):
        unknown = [a for a in rule.arguments if a.endswith("_id") and a not in ROUTE_ARGUMENTS
                   and f"<int:{a}>" in rule.rule]
        assert not unknown, f"{rule.rule} names {unknown}: add them to services.base.scope.ROUTE_ARGUMENTS"


def test_roles_stay_in_the_areas_design_grants_them(sqlite_app):
    for rule, view in office_rules(sqlite_app):
        for role in view.allowed_roles:
            if role != "admin":
                assert rule.rule.startswith(AREAS[role]), f"{rule.rule} grants {role}, outside its areas (DESIGN §1)"


@pytest.mark.parametrize("endpoint,roles", sorted(DECLARED.items()))
def test_declared_routes_keep_their_roles(sqlite_app, endpoint, roles):
    assert set(sqlite_app.view_functions[endpoint].allowed_roles) == roles


def signed_in(app, login: str):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client, csrf_token_from(client.get("/login").get_data(as_text=True))


def test_every_office_route_every_role_every_utility(app, world):
    """403 for a role the route does not name, 404 for an object of the other utility, and an answer (no 403,
    no 404 for the object, no 500) for a role it names on an object of its own utility."""
    refusals = grants = 0
    for login, (role, utility) in world["users"].items():
        client, token = signed_in(app, login)
        for rule, view in office_rules(app):
            allowed = role in view.allowed_roles
            targets = UTILITIES if allowed and names_ids(rule) else (utility or "water",)
            for target in targets:
                path = path_for(rule, world["objects"][target])
                for method in methods_of(rule):
                    answer = client.open(path, method=method, data={"csrf_token": token} if method != "GET" else None)
                    seen = f"{login} {method} {path} ({rule.endpoint}) -> {answer.status_code}"
                    assert answer.status_code < 500, seen
                    if not allowed:
                        assert answer.status_code == 403, seen
                        refusals += 1
                    elif utility not in (None, target):
                        assert answer.status_code == 404, seen
                        refusals += 1
                    else:
                        assert answer.status_code != 403 or rule.endpoint in SERVICE_DECIDES, seen
                        assert answer.status_code != 404 or not scope_refusal(rule, answer), seen
                        grants += 1
    assert refusals > 500 and grants > 100, (refusals, grants)


def test_every_api_route_every_token_every_utility(app, world):
    """With the token of each user: another utility's or another technician's object is "not found"."""
    client = app.test_client()
    for login, (role, utility) in world["users"].items():
        headers = {"Authorization": f"Bearer {token_of(login)}"}
        for rule, view in api_rules(app):
            if not names_ids(rule):
                continue
            for target in UTILITIES:
                path = path_for(rule, world["objects"][target])
                for method in methods_of(rule):
                    answer = client.open(path, method=method, headers=headers)
                    seen = f"{login} {method} {path} -> {answer.status_code}"
                    if utility not in (None, target):
                        expected = 404  # another utility's tablet does not exist for them
                    elif role in ("chief", "admin"):
                        expected = 204  # DESIGN §1: the chief and the admin revoke a lost tablet
                    else:
                        expected = 403  # the technician's own spare tablet, or a role that revokes nothing
                    assert answer.status_code == expected, seen
