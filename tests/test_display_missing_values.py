"""Every page and tab, in ky, ru and en on the demo warehouse, shows no None, nan or NaT."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from sapat.display import is_missing
from sapat.i18n import LANGUAGES, translate
from tests.app_kit import open_page
from tests.conftest import ROOT

# What a missing value turns into when it is written with str() or by pandas.
LEAK = re.compile(r"(?<![\w])(?:None|nan|NaN|NaT|null)(?![\w])|<NA>")
# Proto fields that hold no text a user reads: table bytes (read below), chart specs
# (another check), styles, identifiers.
SKIPPED = {"data", "displayValues", "spec", "styles", "css", "uuid", "id", "formId"}
LAZY_TABS = re.compile(r"lazy_tabs\(\s*\"(\w+)\",\s*\[(.*?)\]", re.S)
TAB_KEY = re.compile(r"t\(\"([\w.]+)\"\)")
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "data_rankings")


def _strings(value: Any, key: str = "") -> Iterator[str]:
    if key in SKIPPED:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def _cells(proto: Any) -> Iterator[str]:
    """What a table's cells show: the Styler's display values, else the values themselves
    (a missing one shown as the table's placeholder, or as Streamlit's "None")."""
    arrow = proto.arrow_data
    if arrow.styler.display_values:
        shown = dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
        for column in shown.columns:
            yield from (str(v) for v in shown[column] if not str(v).startswith("["))
        return
    if not arrow.data:
        return
    frame = dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.data)
    placeholder = getattr(proto, "placeholder", "") or "None"
    for column in frame.columns:
        for value in frame[column]:
            if isinstance(value, list | tuple) or hasattr(value, "__array__"):
                continue  # a chart column's list of points
            shown_as_is = isinstance(value, str) or not is_missing(value)
            yield str(value) if shown_as_is else placeholder


def leaks(at: AppTest) -> list[str]:
    """Texts, labels, metrics and table cells on screen that show a missing value as such."""
    found = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR") or proto.DESCRIPTOR.name == "Html":
            continue  # st.html: the app's style sheet
        texts = list(_strings(MessageToDict(proto)))
        if node.type in ("dataframe", "table"):
            texts += list(_cells(proto))
        found += [f"{node.type}: {text[:160]}" for text in texts if LEAK.search(text)]
    return found


def _tabs(page: str) -> list[tuple[str | None, str | None]]:
    """(session key, label key) of each lazy tab of ``page``; (None, None) without tabs."""
    source = (ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
    match = LAZY_TABS.search(source)
    if not match:
        return [(None, None)]
    return [(match.group(1), label) for label in TAB_KEY.findall(match.group(2))]


def test_the_tabs_are_read_from_the_pages():
    assert len(_tabs("mobility")) == 5 and _tabs("mobility")[0] == (
        "mobility_tab",
        "ui.mobility_tab_trends",
    )
    assert _tabs("overview") == [(None, None)]


def test_leaks_are_seen(tmp_path):
    script = tmp_path / "page.py"
    script.write_text(
        "import pandas as pd, streamlit as st\n"
        "st.caption(f'Share: {None}')\n"
        "st.dataframe(pd.DataFrame({'a': [1.0, None]}))\n"
        "st.metric('x', 'nan')\n"
    )
    at = AppTest.from_file(str(script), default_timeout=30)
    at.run()
    assert len(leaks(at)) == 3, leaks(at)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_missing_value_as_text(demo_db, env_db, page):
    env_db(demo_db)
    shown = []
    for lang in LANGUAGES:
        at = open_page(f"pages/{page}.py", lang=lang, user="admin")
        for key, label in _tabs(page):
            if key is not None:
                at.session_state[key] = translate(label, lang)
                at.run()
                assert not at.exception, [e.message for e in at.exception]
            shown += [f"{lang} {page} {label or ''}: {leak}" for leak in leaks(at)]
    assert not shown, "\n".join(shown)
