"""W19's business calendar administered in the office (issue 13 item 2): per year the public holidays in force,
days off added or removed, the setting; admin only, audited; the vacant-dwelling timers follow it. On SQLite and
PostgreSQL."""
from datetime import date, datetime, timedelta, timezone
from html import unescape

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEntry, CalendarDay, CalendarSetting, Dossier, Letter
from server.services.dossiers.timelines import tick
from server.services.rules.calendar import BusinessCalendar, french_public_holidays, is_working_day
from server.services.rules.departure_rules import vacant_letter_day
from tests.conftest import csrf_token_from, sign_in

NEXT_YEAR = date.today().year + 1


def admin(app):
    client = app.test_client()
    assert sign_in(client, "admin").status_code == 302
    page = client.get(f"/admin/calendar?year={NEXT_YEAR}")
    assert page.status_code == 200
    return client, csrf_token_from(page.get_data(as_text=True))


def audits(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def stored(app) -> dict[date, str]:
    with app.app_context():
        return dict(db.session.execute(select(CalendarDay.day, CalendarDay.kind)).all())


def first_plain_weekday(after: date) -> date:
    """The first Monday-to-Friday after `after` that is not a French public holiday."""
    day = after + timedelta(days=1)
    while not is_working_day(day, "fr-working-days"):
        day += timedelta(days=1)
    return day


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=timezone.utc)


@pytest.mark.parametrize("login", ["agent.eau", "chef.eau", "controle", "caisse", "tech.eau1"])
def test_W19_only_the_admin_administers_the_business_calendar(demo_app, login):
    client = demo_app.test_client()
    assert sign_in(client, login).status_code == 302
    assert client.get("/admin/calendar").status_code == 403
    assert client.post("/admin/calendar/days", data={"year": NEXT_YEAR, "day": f"{NEXT_YEAR}-06-07"}).status_code \
        in (400, 403)
    assert stored(demo_app) == {}


def test_W19_the_page_shows_the_computed_french_holidays_by_default(demo_app):
    client, _ = admin(demo_app)
    html = client.get(f"/admin/calendar?year={NEXT_YEAR}").get_data(as_text=True)
    assert "Calendrier ouvré" in html and "Lundi de Pâques" in html and "Armistice 1918" in html
    for day in french_public_holidays(NEXT_YEAR):
        assert day.strftime("%d/%m/%Y") in html
    assert "réglage par défaut" in html
    garbage = client.get("/admin/calendar?year=abc")
    assert garbage.status_code == 200 and "Année invalide" in garbage.get_data(as_text=True)


def test_W19_a_day_off_added_then_removed_is_audited(demo_app):
    client, token = admin(demo_app)
    pont = first_plain_weekday(date(NEXT_YEAR, 5, 1))
    answer = client.post("/admin/calendar/days", data={"csrf_token": token, "year": NEXT_YEAR,
                                                       "day": pont.isoformat(), "label": "Pont de mai"})
    assert answer.status_code == 302
    assert stored(demo_app) == {pont: "day_off"}
    html = client.get(f"/admin/calendar?year={NEXT_YEAR}").get_data(as_text=True)
    assert "Pont de mai" in html and "ajouté au bureau" in html
    [added] = audits(demo_app, "add_calendar_day_off")
    assert added.object_id == pont.isoformat() and added.details["label"] == "Pont de mai" and added.user_id
    again = client.post("/admin/calendar/days", data={"csrf_token": token, "year": NEXT_YEAR, "day": pont.isoformat()})
    assert again.status_code == 422 and "déjà un jour chômé" in unescape(again.get_data(as_text=True))

    assert client.post("/admin/calendar/days/remove", data={"csrf_token": token, "year": NEXT_YEAR,
                                                             "day": pont.isoformat()}).status_code == 302
    assert stored(demo_app) == {}
    # A computed holiday removed (worked this year), then put back.
    new_year = date(NEXT_YEAR, 1, 1)
    assert client.post("/admin/calendar/days/remove", data={"csrf_token": token, "year": NEXT_YEAR,
                                                             "day": new_year.isoformat()}).status_code == 302
    assert stored(demo_app) == {new_year: "worked"}
    assert "travaillés cette année" in client.get(f"/admin/calendar?year={NEXT_YEAR}").get_data(as_text=True)
    assert client.post("/admin/calendar/days", data={"csrf_token": token, "year": NEXT_YEAR,
                                                      "day": new_year.isoformat()}).status_code == 302
    assert stored(demo_app) == {}
    assert len(audits(demo_app, "remove_calendar_day_off")) == 2 and len(audits(demo_app, "add_calendar_day_off")) == 2


def test_W19_an_added_holiday_moves_the_letter_1_70(demo_app):
    with demo_app.app_context():
        vacant = db.session.scalar(select(Dossier).where(Dossier.type == "ASI", Dossier.branch == "vacant"))
        opened, dossier_id = vacant.requested_on, vacant.id
        before = vacant_letter_day(opened)  # the administered calendar: nothing stored yet
        assert before == vacant_letter_day(opened, "fr-working-days")
    today = date.today()
    day_off = first_plain_weekday(max(opened, today - timedelta(days=1)))
    assert day_off < before
    after = vacant_letter_day(opened, BusinessCalendar(days_off=frozenset({day_off})))
    assert after > before

    client, token = admin(demo_app)
    assert client.post("/admin/calendar/days", data={"csrf_token": token, "year": day_off.year,
                                                      "day": day_off.isoformat(), "label": "Fête locale"}).status_code == 302
    with demo_app.app_context():
        assert vacant_letter_day(opened) == after
        assert db.session.get(Dossier, dossier_id).due_on == after  # the open timer was rescheduled
        assert tick(at(before)).get("letters") is None
        assert tick(at(after))["letters"] == 1
        assert db.session.scalar(select(func.count(Letter.id)).where(Letter.dossier_id == dossier_id)) == 1


def test_W19_the_setting_switches_between_working_and_calendar_days(demo_app):
    client, token = admin(demo_app)
    start = date(NEXT_YEAR, 12, 18)
    with demo_app.app_context():
        assert vacant_letter_day(start) == vacant_letter_day(start, "fr-working-days")
    answer = client.post("/admin/calendar/setting", data={"csrf_token": token, "year": NEXT_YEAR,
                                                          "calendar": "calendar-days"})
    assert answer.status_code == 302
    with demo_app.app_context():
        assert db.session.get(CalendarSetting, 1).calendar == "calendar-days"
        assert vacant_letter_day(start) == start + timedelta(days=10)
    [entry] = audits(demo_app, "set_business_calendar")
    assert entry.details["changes"]["calendar"] == ["fr-working-days", "calendar-days"]
    assert "choisi au bureau" in client.get(f"/admin/calendar?year={NEXT_YEAR}").get_data(as_text=True)
    client.post("/admin/calendar/setting", data={"csrf_token": token, "year": NEXT_YEAR, "calendar": "fr-working-days"})
    with demo_app.app_context():
        assert vacant_letter_day(start) == vacant_letter_day(start, "fr-working-days")
    bad = client.post("/admin/calendar/setting", data={"csrf_token": token, "year": NEXT_YEAR, "calendar": "lunar"})
    assert bad.status_code == 422 and "jours ouvrés ou jours calendaires" in bad.get_data(as_text=True)
    assert len(audits(demo_app, "set_business_calendar")) == 2


@pytest.mark.parametrize("fields,message", [
    ({"year": NEXT_YEAR, "day": f"{NEXT_YEAR + 1}-01-04"}, f"n'est pas dans l'année {NEXT_YEAR}"),
    ({"year": NEXT_YEAR, "day": "n'importe quoi"}, "Date requise"),
    ({"year": NEXT_YEAR, "day": ""}, "Date requise"),
    ({"year": "20x7", "day": f"{NEXT_YEAR}-06-07"}, "Année invalide"),
    ({"year": "1850", "day": "1850-06-07"}, "Année invalide"),
    ({"year": NEXT_YEAR, "day": f"{NEXT_YEAR}-06-07", "label": "x" * 200}, "120"),
    ({"year": date.today().year, "day": "2020-06-08"}, "n'est pas dans l'année"),
    ({"year": 2020, "day": "2020-06-08"}, "déjà passé"),
])
def test_W19_bad_input_gets_a_french_error_and_changes_nothing(demo_app, fields, message):
    client, token = admin(demo_app)
    for path in ("/admin/calendar/days", "/admin/calendar/days/remove"):
        answer = client.post(path, data={"csrf_token": token, **fields})
        assert answer.status_code == 422, (path, answer.status_code)
        assert message in unescape(answer.get_data(as_text=True)), path
    assert stored(demo_app) == {}
    assert audits(demo_app, "add_calendar_day_off") == [] and audits(demo_app, "remove_calendar_day_off") == []
