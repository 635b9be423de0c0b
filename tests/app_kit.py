"""AppTest helpers of the page tests: open a page as a user, read what it shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import app_test


def open_page(
    page: str, lang: str = "en", state: dict | None = None, user: str = "viewer"
) -> AppTest:
    """``page`` opened from app.py by ``user`` in ``lang``, with ``state`` set, run once more."""
    at = app_test(user)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def untranslated(at: AppTest) -> list[str]:
    """Headings, labels and texts that show a catalog key instead of words."""
    texts = [str(c) for d in [*at.dataframe, *at.table] for c in d.value.columns]
    texts += [m.label for m in at.metric] + [e.label for e in at.expander]
    texts += [x.value for x in [*at.markdown, *at.caption, *at.info, *at.warning, *at.success]]
    prefixes = ("ui.", "col.", "code.", "mobility.", "agreements.", "agency.", "indicator.")
    return [x for x in texts if any(x.startswith(p) or f" {p}" in x for p in prefixes)]
