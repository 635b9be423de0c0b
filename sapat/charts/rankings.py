"""Charts of ranking positions (band-aware, better is up) and indicator scores."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sapat.i18n import has, translate

PALETTE = ("#1F4E79", "#E07A1F", "#2E8B57", "#8E44AD", "#C0392B", "#16A085", "#7F8C8D", "#D4AC0D")
LOG_TICKS = (1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000)


def indicator_label(code: str, lang: str) -> str:
    key = f"indicator.{code}"
    return translate(key, lang) if has(key, lang) else code.replace("_", " ")


def rank_history(frame: pd.DataFrame, lang: str, home: str | None = None) -> go.Figure:
    """Positions over editions: exact ranks as points, bands as ranges from best to worst.

    Ties keep their published text and a diamond marker; open bands (``1401+``) are a
    mark at their best rank with an arrow pointing down, never a bar to an invented bound;
    entries with no rank are not drawn.
    Hovering shows the rank exactly as published.
    """
    fig = go.Figure()
    ranked = frame.dropna(subset=["rank_low"]).astype(
        {"rank_low": "Float64", "rank_high": "Float64"}
    )
    institutions = list(dict.fromkeys(ranked["institution"]))
    if home in institutions:
        institutions.remove(home)
        institutions.insert(0, home)
    width = min(0.5, 0.8 / max(len(institutions), 1))
    # Rank texts on every mark help one line and clutter five; hover always has them.
    labelled = len(institutions) <= 2
    for i, name in enumerate(institutions):
        part = ranked[ranked["institution"] == name].sort_values("year")
        color = PALETTE[i % len(PALETTE)]
        x = part["year"] + (i - (len(institutions) - 1) / 2) * width
        exact = ~part["is_band"].fillna(False).astype(bool)
        hover = "<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<extra></extra>"
        custom = list(zip(part["institution"], part["year"], part["rank_display"], strict=True))
        band = ~exact & part["rank_high"].notna()
        # An open band (1401+) has no worse bound: it is a mark at its best rank with an
        # arrow pointing down the table, never a bar down to an invented bound.
        open_band = ~exact & part["rank_high"].isna()
        if band.any():
            bands = part[band]
            fig.add_bar(
                x=x[band],
                base=bands["rank_low"],
                y=bands["rank_high"].astype("Float64") - bands["rank_low"],
                width=width * 0.9,
                marker={"color": color, "opacity": 0.75},
                name=name,
                legendgroup=name,
                showlegend=False,
                customdata=[c for c, b in zip(custom, band, strict=True) if b],
                hovertemplate=hover,
                text=bands["rank_display"] if labelled else None,
                textposition="outside",
                textfont={"size": 11, "color": color},
                cliponaxis=False,
            )
        if open_band.any():
            opened = part[open_band]
            fig.add_scatter(
                x=x[open_band],
                y=opened["rank_low"],
                mode="markers+text" if labelled else "markers",
                marker={"symbol": "arrow-down", "size": 16, "color": color, "opacity": 0.6},
                name=name,
                legendgroup=name,
                showlegend=False,
                customdata=[c for c, o in zip(custom, open_band, strict=True) if o],
                hovertemplate=hover,
                text=opened["rank_display"] if labelled else None,
                textposition="bottom center",
                textfont={"size": 11, "color": color},
                cliponaxis=False,
            )
        y = part["rank_low"].where(exact)
        fig.add_scatter(
            x=x,
            y=y,
            mode="lines+markers+text",
            name=name,
            legendgroup=name,
            line={"color": color, "width": 2},
            connectgaps=False,
            marker={
                "size": 10,
                "color": color,
                "symbol": ["diamond" if t else "circle" for t in part["is_tie"].fillna(False)],
            },
            text=part["rank_display"].where(exact, "") if labelled else None,
            textposition="top center",
            textfont={"size": 11},
            customdata=custom,
            hovertemplate=hover,
        )
    years = sorted(ranked["year"].unique())
    spread = ranked["rank_high"].fillna(ranked["rank_low"]).max() / max(ranked["rank_low"].min(), 1)
    fig.update_yaxes(autorange="reversed", title=translate("ui.rank_axis", lang))
    if spread > 5:
        # A log axis keeps a top-50 peer and a 1200th place readable on one chart.
        low = ranked["rank_low"].min()
        high = ranked["rank_high"].fillna(ranked["rank_low"]).max()
        ticks = [v for v in LOG_TICKS if low / 1.5 <= v <= high * 1.5]
        fig.update_yaxes(type="log", tickvals=ticks, ticktext=[str(v) for v in ticks])
    fig.update_xaxes(tickvals=years, ticktext=[str(y) for y in years], title=None)
    fig.update_layout(
        height=380 if labelled else 460,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        barmode="overlay",
        legend={"orientation": "h", "y": -0.12, "x": 0},
        showlegend=len(institutions) > 1,
        hovermode="closest",
    )
    return fig


def indicator_scores(breakdown: pd.DataFrame, lang: str) -> go.Figure:
    """Each indicator's score this edition beside the previous one, heaviest weight on top."""
    data = breakdown.dropna(subset=["score"]).iloc[::-1]
    labels = [
        f"{indicator_label(c, lang)} ({w:g}%)" if pd.notna(w) else indicator_label(c, lang)
        for c, w in zip(data["indicator"], data["weight"], strict=True)
    ]
    fig = go.Figure()
    if data["prev_score"].notna().any():
        fig.add_bar(
            y=labels,
            x=data["prev_score"],
            orientation="h",
            marker_color="#B0BEC5",
            name=translate("ui.previous_edition", lang),
        )
    fig.add_bar(
        y=labels,
        x=data["score"],
        orientation="h",
        marker_color="#1F4E79",
        name=translate("ui.this_edition", lang),
        text=data["score"].round(1),
        textposition="outside",
        cliponaxis=False,
    )
    fig.update_layout(
        barmode="group",
        height=max(260, 34 * len(data) + 60),
        margin={"l": 10, "r": 30, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        xaxis={"title": translate("ui.score", lang), "range": [0, 105]},
    )
    return fig


def peer_scores(frame: pd.DataFrame, lang: str, home: str | None = None) -> go.Figure:
    """Indicator scores of several institutions in one edition, side by side."""
    fig = go.Figure()
    order = list(dict.fromkeys(frame["indicator"]))[::-1]
    names = list(dict.fromkeys(frame["institution"]))
    if home in names:
        names.remove(home)
        names.insert(0, home)
    for i, name in enumerate(names):
        part = frame[frame["institution"] == name].set_index("indicator").reindex(order)
        fig.add_bar(
            y=[indicator_label(c, lang) for c in order],
            x=part["score"],
            orientation="h",
            name=name,
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_layout(
        barmode="group",
        height=max(300, 16 * len(order) * max(len(names), 1) + 80),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.05, "x": 0, "traceorder": "normal"},
        xaxis={"title": translate("ui.score", lang), "range": [0, 100]},
    )
    return fig
