"""How figures are told to the user: rank movements, signed changes, shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sapat.formats import signed_number
from sapat.i18n import translate


@dataclass(frozen=True)
class Delta:
    """The small line under a headline number: text, colour and arrow for st.metric."""

    text: str | None
    color: str = "gray"
    arrow: str = "off"


def rank_delta(movement: str, previous: str | None, lang: str) -> Delta:
    """Band-aware movement of a rank ('up' means a better position, drawn upwards)."""
    if movement == "new" or previous is None:
        return Delta(translate("ui.rank_new", lang))
    text = translate("ui.rank_was", lang, previous=previous)
    if movement == "up":
        return Delta(text, "green", "up")
    if movement == "down":
        return Delta(text, "red", "down")
    return Delta(text)


def change_delta(now: int, before: int | None, lang: str) -> Delta:
    """A count against last year's count."""
    if before is None:
        return Delta(None)
    change = now - before
    text = translate("ui.vs_last_year", lang, change=f"{change:+d}")
    if change > 0:
        return Delta(text, "green", "up")
    if change < 0:
        return Delta(text, "red", "down")
    return Delta(text)


def share(part: int, total: int) -> str:
    return f"{part / total:.0%}" if total else "—"


# Dates as people write them in each language: 04.12.2025 in Kyrgyz and Russian.
DATE_FORMATS = {"ky": "%d.%m.%Y", "ru": "%d.%m.%Y", "en": "%d %b %Y"}


def format_date(value: object, lang: str) -> str:
    """A date (or midnight timestamp) in the user's locale format; empty when missing."""
    if value is None or value != value:  # None, NaN or NaT
        return ""
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return value.strftime(DATE_FORMATS.get(lang, "%Y-%m-%d") + " %H:%M")
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMATS.get(lang, "%Y-%m-%d"))
    return str(value)


def points_delta(
    now: float | None,
    before: float | None,
    lang: str,
    decimals: int = 1,
    key: str = "ui.points_vs_last_year",
) -> Delta:
    """A percentage (0–100) against last year's, in percentage points; up is better.

    With ``key="ui.vs_last_year"`` it tells any other measure's change (a mean score).
    """
    if now is None or before is None or now != now or before != before:
        return Delta(None)
    change = round(now - before, decimals)
    text = translate(key, lang, change=signed_number(change, lang, decimals))
    if change > 0:
        return Delta(text, "green", "up")
    if change < 0:
        return Delta(text, "red", "down")
    return Delta(text)
