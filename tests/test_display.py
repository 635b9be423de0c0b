"""sapat.display: values shown the way the user's language writes them."""

import datetime as dt

from sapat.display import format_date


def test_dates_are_shown_in_the_users_format():
    day = dt.date(2025, 12, 4)
    assert format_date(day, "ky") == "04.12.2025"
    assert format_date(day, "ru") == "04.12.2025"
    assert format_date(day, "en") == "04 Dec 2025"
    assert format_date(dt.datetime(2025, 12, 4, 0, 0), "ru") == "04.12.2025"
    assert format_date(None, "en") == ""
