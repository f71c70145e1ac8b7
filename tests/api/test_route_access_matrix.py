"""Every office route names the roles allowed to use it, and refuses every other role (PITFALLS 19)."""
import re

import pytest

from server import create_app

ROLE_LOGINS = {"agent": "agent.eau", "chief": "chef.eau", "technician": "tech.eau1",
               "controller": "controle", "cashier": "caisse", "admin": "admin"}
# Routes anyone may reach without a role check of their own.
PUBLIC = {"web.login", "web.logout", "web.healthz", "web.favicon", "web.home", "static",
          "metrics"}  # /metrics: its own token or admin network (server/metrics.py), no session


def office_rules():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("pwa.", "api.")) or rule.endpoint in PUBLIC:
            continue
        view = app.view_functions[rule.endpoint]
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        rules.append((rule.endpoint, rule.rule, methods, getattr(view, "allowed_roles", None)))
    return rules


RULES = office_rules()
# Routes where who may act is a decision of its own (money leaving the utility), pinned here so that a
# change of roles shows up in review; every other route is covered by the two generic tests below.
DECLARED = {
    "web.invoice_transfer_refund": {"agent", "admin"},  # refund of a credit balance by bank transfer
    "web.invoice_bank_details": {"agent", "admin"},  # the IBAN the refund by transfer goes to
    "web.transfer_list": {"agent", "admin"},
    "web.transfers_csv": {"agent", "admin"},
}


def concrete(path: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", path)


@pytest.mark.parametrize("endpoint,path,methods,allowed", RULES, ids=[r[0] for r in RULES])
def test_every_office_route_declares_its_roles(endpoint, path, methods, allowed):
    assert allowed, f"{endpoint} ({path}) has no roles_required"


@pytest.mark.parametrize("endpoint,roles", sorted(DECLARED.items()))
def test_declared_routes_keep_their_roles(endpoint, roles):
    allowed = {rule[0]: rule[3] for rule in RULES}
    assert endpoint in allowed and set(allowed[endpoint]) == roles


@pytest.mark.parametrize("role", sorted(ROLE_LOGINS))
def test_every_office_route_refuses_the_roles_it_does_not_name(office, role):
    client = office(ROLE_LOGINS[role])
    from tests.conftest import csrf_token_from
    token = csrf_token_from(client.get("/admin/users" if role == "admin" else "/").get_data(as_text=True)) \
        if role != "technician" else None
    checked = 0
    for endpoint, path, methods, allowed in RULES:
        if not allowed or role in allowed:
            continue
        for method in methods:
            data = {"csrf_token": token} if token and method != "GET" else None
            answer = client.open(concrete(path), method=method, data=data)
            assert answer.status_code in (403, 400 if method != "GET" and not token else 403), \
                f"{role} got {answer.status_code} on {method} {path}"
            checked += 1
    assert checked > 0 or role == "admin"
