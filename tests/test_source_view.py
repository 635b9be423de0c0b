"""Every card, chart and table of the dashboards says where its figures come from."""

from __future__ import annotations

import duckdb
import pytest

from sapat.i18n import catalog
from tests.app_kit import open_page

EN = catalog("en")
# The dashboard pages and the key of their tabs (None: no tabs).
DASHBOARDS = {
    "pages/overview.py": None,
    "pages/rankings.py": "ranking_tab",
    "pages/mobility.py": "mobility_tab",
    "pages/agreements.py": "agreements_tab",
    "pages/accreditation.py": "accreditation_tab",
    "pages/kpis.py": "kpis_tab",
    "pages/quality.py": "quality_tab",
    "pages/staff.py": "staff_tab",
}
SOURCE = f"**{EN['source.label']}**"


def _key(element) -> str:
    """The key a chart, button or popover was given (the end of its element id)."""
    return element.proto.id.split("-", 2)[-1]


def unsourced(at) -> list[str]:
    """Charts, tables and cards drawn without their source."""
    popovers = {_key(p) for p in at.get("popover") if p.proto.popover.label == EN["source.label"]}
    missing = [
        f"chart {_key(c)}" for c in at.get("plotly_chart") if f"src_{_key(c)}" not in popovers
    ]
    # A table's key is its download buttons' key less the extension.
    tables = {_key(d).removesuffix("_xlsx") for d in at.get("download_button")}
    tables = {k for k in tables if not k.endswith("_csv")}
    missing += [f"table {k}" for k in sorted(tables) if f"src_{k}" not in popovers]
    missing += [f"card {m.label}" for m in at.metric if SOURCE not in (m.proto.help or "")]
    return missing


def _tabs(at, key: str | None) -> list[str]:
    return [tab.label for tab in at.tabs] if key else []


@pytest.mark.parametrize("page", sorted(DASHBOARDS))
def test_every_card_chart_and_table_has_its_source(demo_db, env_db, page):
    env_db(demo_db)
    key = DASHBOARDS[page]
    at = open_page(page)
    seen = {"charts": len(at.get("plotly_chart")), "tables": len(at.get("download_button"))}
    assert not unsourced(at), (page, unsourced(at))
    for tab in _tabs(at, key)[1:]:
        at = open_page(page, state={key: tab})
        assert not unsourced(at), (page, tab, unsourced(at))
        seen["charts"] += len(at.get("plotly_chart"))
        seen["tables"] += len(at.get("download_button"))
    assert seen["charts"] + seen["tables"] > 0, page  # the demo draws something on each page


def _history_links(at) -> list[str]:
    return [
        link.proto.query_string
        for link in at.get("page_link")
        if "batch=" in link.proto.query_string
    ]


def test_an_editor_opens_the_upload_in_history_and_a_viewer_cannot(demo_db, env_db):
    env_db(demo_db)
    conn = duckdb.connect(str(demo_db))
    [(batch,)] = conn.execute(
        "SELECT max(batch_id) FROM mobility WHERE batch_id IS NOT NULL"
    ).fetchall()
    conn.close()
    # The test editor edits rankings and mobility: the mobility chart's upload is a link.
    editor = open_page("pages/overview.py", user="editor")
    assert f"tab=data.tab_history&batch={batch}" in _history_links(editor)
    viewer = open_page("pages/overview.py", user="viewer")
    assert not _history_links(viewer)
    trend = next(p for p in viewer.get("popover") if _key(p) == "src_overview_trend")
    assert any(f"№{batch}" in m.value or f"No. {batch}" in m.value for m in trend.markdown)


def test_a_card_names_the_measure_it_is_computed_from(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/overview.py")
    helps = [m.proto.help for m in at.metric]
    measure = EN["source.measure"].format(measure=EN["measure.exam_pass_rate"])
    assert any(measure in h for h in helps)
    assert any(EN["dataset.exam_results"] in h for h in helps)


def test_an_upload_without_file_name_or_account_reads_as_a_dash():
    from sapat.source_view import upload_text

    text = upload_text({"batch_id": 7, "file_name": None, "uploaded_by": None, "uploaded_at": None})
    assert "None" not in text and "nan" not in text and "7" in text
