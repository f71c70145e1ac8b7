"""W19's business calendar at its edges: Easter over two centuries, the exact holiday list, the setting."""
from datetime import date

import pytest
from flask import Flask

from server.services.rules.calendar import (add_working_days, configured_calendar, easter_sunday,
                                            french_public_holidays, is_working_day)

# Western (Gregorian) Easter Sundays, from published tables: the earliest (22 March) and latest (25 April)
# possible dates included.
EASTERS = {
    1818: (3, 22), 1943: (4, 25), 1954: (4, 18), 1961: (4, 2), 1962: (4, 22), 1967: (3, 26), 1981: (4, 19),
    1990: (4, 15), 1999: (4, 4), 2000: (4, 23), 2001: (4, 15), 2002: (3, 31), 2003: (4, 20), 2004: (4, 11),
    2005: (3, 27), 2006: (4, 16), 2007: (4, 8), 2008: (3, 23), 2009: (4, 12), 2010: (4, 4), 2011: (4, 24),
    2012: (4, 8), 2013: (3, 31), 2014: (4, 20), 2015: (4, 5), 2016: (3, 27), 2017: (4, 16), 2018: (4, 1),
    2019: (4, 21), 2020: (4, 12), 2021: (4, 4), 2022: (4, 17), 2023: (4, 9), 2024: (3, 31), 2025: (4, 20),
    2026: (4, 5), 2027: (3, 28), 2028: (4, 16), 2029: (4, 1), 2030: (4, 21), 2031: (4, 13), 2032: (3, 28),
    2033: (4, 17), 2034: (4, 9), 2035: (3, 25), 2036: (4, 13), 2037: (4, 5), 2038: (4, 25), 2039: (4, 10),
    2040: (4, 1), 2285: (3, 22),
}


@pytest.mark.parametrize("year", sorted(EASTERS))
def test_W19_easter_sunday_matches_the_published_tables(year):
    assert easter_sunday(year) == date(year, *EASTERS[year])


def test_W19_the_eleven_french_public_holidays_exactly():
    assert french_public_holidays(2029) == {
        date(2029, 1, 1), date(2029, 4, 2), date(2029, 5, 1), date(2029, 5, 8), date(2029, 5, 10),
        date(2029, 5, 21), date(2029, 7, 14), date(2029, 8, 15), date(2029, 11, 1), date(2029, 11, 11),
        date(2029, 12, 25)}


def test_W19_holidays_move_with_easter_in_2038():
    holidays = french_public_holidays(2038)
    assert {date(2038, 4, 26), date(2038, 6, 3), date(2038, 6, 14)} <= holidays  # Monday, Ascension, Whit Monday
    assert date(2038, 4, 19) not in holidays


def test_W19_working_days_skip_weekends_and_holidays_only():
    assert is_working_day(date(2026, 5, 7), "fr-working-days")  # Thursday
    assert not is_working_day(date(2026, 5, 8), "fr-working-days")  # Friday, Victory in Europe day
    assert is_working_day(date(2026, 5, 9), "calendar-days")  # Saturday counts on calendar days
    assert not is_working_day(date(2026, 5, 9), "fr-working-days")  # Saturday
    assert not is_working_day(date(2026, 5, 10), "fr-working-days")  # Sunday
    assert is_working_day(date(2026, 5, 11), "fr-working-days")  # Monday


def test_W19_adding_working_days_counts_from_the_next_day():
    assert add_working_days(date(2026, 5, 7), 0, "fr-working-days") == date(2026, 5, 7)
    assert add_working_days(date(2026, 5, 7), 1, "fr-working-days") == date(2026, 5, 11)
    assert add_working_days(date(2026, 5, 7), 2, "fr-working-days") == date(2026, 5, 12)
    assert add_working_days(date(2026, 5, 7), 2, "calendar-days") == date(2026, 5, 9)


def test_W19_an_unknown_calendar_is_refused():
    with pytest.raises(ValueError, match="unknown business calendar"):
        add_working_days(date(2026, 5, 7), 1, "lunar")


def test_W19_the_setting_chooses_the_calendar_inside_an_application():
    assert configured_calendar() == "fr-working-days"
    app = Flask(__name__)
    app.config["BUSINESS_CALENDAR"] = "calendar-days"
    with app.app_context():
        assert configured_calendar() == "calendar-days"
        assert add_working_days(date(2026, 5, 7), 2) == date(2026, 5, 9)
        assert is_working_day(date(2026, 5, 9))
    app.config["BUSINESS_CALENDAR"] = ""
    with app.app_context():
        assert configured_calendar() == "fr-working-days"


def gauss_easter(year: int) -> date:
    """Gauss's Easter algorithm with its two exceptions: an independent computation to check ours."""
    a, b, c, k = year % 19, year % 4, year % 7, year // 100
    p, q = (13 + 8 * k) // 25, k // 4
    m, n = (15 - p + k - q) % 30, (4 + k - q) % 7
    d = (19 * a + m) % 30
    e = (2 * b + 4 * c + 6 * d + n) % 7
    if d == 29 and e == 6:
        return date(year, 4, 19)
    if d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
        return date(year, 4, 18)
    return date(year, 3, 22 + d + e) if 22 + d + e <= 31 else date(year, 4, d + e - 9)


def test_W19_easter_agrees_with_gauss_for_every_gregorian_year_to_4099():
    assert [y for y in range(1583, 4100) if easter_sunday(y) != gauss_easter(y)] == []


def test_W19_the_administered_days_change_the_holidays_in_force_as_plain_values():
    from server.services.rules.calendar import PROVIDER, BusinessCalendar, calendar_in_force, public_holidays
    pont, new_year = date(2027, 5, 7), date(2027, 1, 1)
    assert public_holidays(2027, [pont, date(2028, 5, 5)], [new_year]) == \
        (french_public_holidays(2027) - {new_year}) | {pont}
    calendar = BusinessCalendar(days_off=frozenset({pont}), days_worked=frozenset({new_year}))
    assert not is_working_day(pont, calendar) and is_working_day(new_year, calendar)
    assert add_working_days(date(2027, 5, 6), 1, calendar) == date(2027, 5, 10)  # Thursday → Monday
    assert add_working_days(date(2027, 5, 6), 1, "fr-working-days") == date(2027, 5, 7)
    with pytest.raises(ValueError):
        BusinessCalendar("lunar")
    app = Flask(__name__)
    app.extensions[PROVIDER] = lambda: calendar
    with app.app_context():
        assert calendar_in_force() is calendar and configured_calendar() == "fr-working-days"
        assert add_working_days(date(2027, 5, 6), 1) == date(2027, 5, 10)
        assert add_working_days(date(2027, 5, 6), 1, "calendar-days") == date(2027, 5, 7)
