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


def _shown(styler) -> list[list[str]]:
    """What each cell of a Styler shows, row by row."""
    body = styler._translate(False, False)["body"]
    return [[c["display_value"] for c in row if c["type"] == "td"] for row in body]


def test_tables_write_numbers_as_the_language_does():
    import numpy as np
    import pandas as pd

    from sapat.display import styled
    from sapat.formats import MINUS

    frame = pd.DataFrame(
        {
            "count": [690.0, np.nan, 12345.0],  # a count that went through a NaN
            "score": [11.6, 12.0, np.nan],
            "ratio": [24.2367, 3.0, -1.5],
            "name": ["a", None, "nan"],
            "Year": [2024, 2025, 2023],
            "day": pd.to_datetime(["2024-01-02", None, "2024-03-04"]),
        }
    )
    ru = _shown(styled(frame, "ru"))
    assert ru[0] == ["690", "11,6", "24,24", "a", "2024", "02.01.2024"]
    assert ru[1] == ["—", "12,0", "3,00", "—", "2025", "—"]
    assert ru[2] == ["12\u202f345", "—", MINUS + "1,50", "—", "2023", "04.03.2024"]
    en = _shown(styled(frame, "en"))
    assert en[2][:3] == ["12,345", "—", MINUS + "1.50"]
    # The numbers themselves stay in the table: the grid sorts by them.
    assert styled(frame, "en").data["count"].dtype == float


def test_tables_take_decimals_and_signs_by_column():
    import pandas as pd

    from sapat.display import styled

    frame = pd.DataFrame({"Change": [0.25, -1.0], "Share": [0.3333, 0.5]})
    shown = _shown(styled(frame, "en", decimals={"Share": 1}, signed=("Change",)))
    assert shown == [["+0.25", "0.3"], ["\u2212\u20601.00", "0.5"]]


def test_a_pages_styler_keeps_its_colours():
    import pandas as pd

    from sapat.display import styled

    frame = pd.DataFrame({"status": ["ok", None], "value": [1.5, 2.0]})
    page = frame.style.map(lambda v: "color: red" if v == "ok" else "", subset=["status"])
    out = styled(page, "ru")
    assert out is page and _shown(out) == [["ok", "1,5"], ["—", "2,0"]]
    out._compute()
    assert out.ctx[(0, 0)] == [("color", "red")]


def test_missing_values_are_seen_in_any_form():
    import numpy as np
    import pandas as pd

    from sapat.display import is_missing

    for value in (None, np.nan, pd.NaT, pd.NA, "nan", "None", " NaT ", "<NA>"):
        assert is_missing(value), value
    for value in (0, "", "Nancy", [None], "—"):
        assert not is_missing(value), value


def test_shares_and_changes_are_written_as_the_language_does():
    from sapat.display import change_delta, share

    assert share(31, 100, "ru") == "31\xa0%" and share(31, 100, "en") == "31%"
    assert share(1, 0, "ky") == "—"
    assert "\u2212\u20605" in (change_delta(95, 100, "en").text or "")
    assert "+5" in (change_delta(105, 100, "ru").text or "")


def test_plain_shows_user_text_as_text_not_markdown_or_html():
    from sapat.display import plain

    assert plain("my_file*v2 [final].xlsx") == r"my\_file\*v2 \[final\].xlsx"
    assert plain("<b>x</b>") == r"&lt;b>x&lt;/b>"
    assert plain(12) == "12"  # any object is turned into text first
