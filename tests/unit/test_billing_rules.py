"""Pure rules of the counter (E3), the W21 limit and the W23 indicators (no database)."""
import csv
import io
from datetime import date
from types import SimpleNamespace

from server.models import Customer
from server.services.closing.cashier import refund_payee_matches
from server.services.reporting.indicators import DossierFacts, indicators_csv, monthly_indicators, month_starts, totals_by_month
from server.services.closing.invoices import prescription_limit

ELEC = SimpleNamespace(deposit_payer_name="Codjo Akplogan", deposit_payer_identity="CNI693090")
HOLDER = Customer(first_name="Codjo", last_name="Akplogan", identity_document=None)


def test_E3_refund_only_to_the_deposit_payer_with_the_same_identity_document():
    assert refund_payee_matches(ELEC, HOLDER, "Codjo Akplogan", "CNI693090")
    assert refund_payee_matches(ELEC, HOLDER, "AKPLOGAN codjo", "cni 693-090")  # order, case, spacing
    assert not refund_payee_matches(ELEC, HOLDER, "Codjo Akplogan", "CNI693091")
    assert not refund_payee_matches(ELEC, HOLDER, "Afi Akplogan", "CNI693090")
    assert not refund_payee_matches(ELEC, HOLDER, "", "")


def test_E3_accents_do_not_matter_but_the_person_does():
    payer = SimpleNamespace(deposit_payer_name="Hélène Adjovi-Sossa", deposit_payer_identity="P1234567")
    assert refund_payee_matches(payer, HOLDER, "helene adjovi sossa", "p1234567")
    assert not refund_payee_matches(payer, HOLDER, "Hélène Adjovi", "P1234567")


def test_E3_without_a_deposit_the_account_holder_with_a_document_on_file():
    no_deposit = SimpleNamespace(deposit_payer_name=None, deposit_payer_identity=None)
    holder = Customer(first_name="Jean", last_name="Dupont", identity_document="AB123456")
    assert refund_payee_matches(no_deposit, holder, "Jean Dupont", "AB123456")
    assert not refund_payee_matches(no_deposit, HOLDER, "Codjo Akplogan", "")  # nothing on file: refused


def test_W21_limit_is_two_years_after_issue():
    assert prescription_limit(date(2025, 1, 10)) == date(2027, 1, 10)


def facts(requested, state="open", closed=None, code="33063", name="Bordeaux"):
    return DossierFacts(code, name, requested, state, closed)


def test_W23_requested_resolved_and_open_beyond_30_days_per_commune_and_month():
    dossiers = [facts(date(2026, 9, 2), "closed", date(2026, 9, 20)),
                facts(date(2026, 9, 25), "treated", date(2026, 10, 3)),
                facts(date(2026, 9, 28)),                                   # open 33 days at 31/10
                facts(date(2026, 10, 5), "cancelled", date(2026, 10, 6)),
                facts(date(2026, 10, 12), code="BJ-COT", name="Cotonou")]
    months = month_starts(date(2026, 11, 10), 4)
    rows = monthly_indicators(dossiers, months, today=date(2026, 11, 10))
    by = {(r.month.month, r.commune_code): r for r in rows}
    sep, octo, nov = by[(9, "33063")], by[(10, "33063")], by[(11, "33063")]
    assert (sep.requested, sep.resolved, sep.open_over_limit) == (3, 1, 0)
    assert sep.rate is not None and str(sep.rate) == "33.3"
    assert (octo.requested, octo.resolved, octo.open_over_limit) == (1, 1, 1)
    assert (nov.requested, nov.resolved, nov.open_over_limit) == (0, 0, 1) and nov.rate is None
    assert (11, "BJ-COT") not in by  # 29 days on 10/11: not yet beyond 30, and nothing else that month
    assert [t.requested for t in totals_by_month(rows, months)] == [0, 3, 2, 0]  # August: empty, still shown


def test_W23_months_run_back_from_today():
    assert month_starts(date(2026, 2, 15), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_W23_csv_is_excel_friendly():
    rows = monthly_indicators([facts(date(2026, 9, 2), "closed", date(2026, 9, 20)), facts(date(2026, 9, 3))],
                              [date(2026, 9, 1)], today=date(2026, 9, 30))
    data = indicators_csv(rows)
    assert data.startswith("\ufeff".encode("utf-8"))
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][0] == "Mois" and table[0][3] == "Résiliations demandées"
    assert table[1] == ["2026-09", "33063", "Bordeaux", "2", "1", "50,0", "0"]
