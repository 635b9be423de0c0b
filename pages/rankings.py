"""Rankings: positions over editions, indicator breakdown, peers, what-if, agency data."""

import pandas as pd
import streamlit as st

from sapat.charts import agency_data as agency_charts
from sapat.charts import rankings as charts
from sapat.countries import country_name
from sapat.display import rank_delta, score_change
from sapat.downloads import table
from sapat.formats import number, percent, signed_number
from sapat.i18n import code_label
from sapat.queries import agency_data as adq
from sapat.queries import rankings as rq
from sapat.source_view import card_help
from sapat.web import chart, entry_guard, lang, lazy_tabs, query, t
from sapat.whatif import estimate_position, weighted_score

entry_guard()

st.header(t("ui.rankings_title"), divider="gray")
systems = query(rq.rankings_with_data)
home = query(rq.home_institution)
if systems.empty:
    st.info(t("ui.rankings_empty"))
    st.stop()

ranking = st.columns([2, 3])[0].selectbox(
    t("ui.ranking_system"),
    systems["ranking"].tolist(),
    key="ranking",
    format_func=lambda code: code_label(code, lang()),
)
short = t(f"ranking_short.{ranking}")  # names the downloaded tables
position_tab, indicators_tab, peers_tab, whatif_tab, agency_tab = lazy_tabs(
    "ranking_tab",
    [
        t("ui.tab_position"),
        t("ui.tab_indicators"),
        t("ui.tab_peers"),
        t("ui.tab_whatif"),
        t("ui.tab_agency"),
    ],
)


MOVEMENT_MARK = {"up": "▲ ", "down": "▼ ", "same": "", "new": ""}


def edition_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Every edition as published, newest first, with the band-aware change and the file
    or address each row was imported from."""
    rows = frame.sort_values("year", ascending=False)
    return pd.DataFrame(
        {
            t("ui.col_edition"): rows["year"].astype(str),
            t("ui.col_rank"): rows["rank_display"],
            t("ui.col_overall"): rows["overall_score"],  # written by table() as published
            t("ui.col_change"): [
                MOVEMENT_MARK[m] + rank_delta(m, p, lang()).text
                for m, p in zip(rows["movement"], rows["prev_display"], strict=True)
            ],
            t("col.source"): rows["source"].fillna("—"),
        }
    )


if position_tab.open:
    with position_tab:
        mine = query(rq.history, ranking, (home,)) if home else pd.DataFrame()
        if mine.empty:
            st.info(t("ui.rankings_no_home", ranking=code_label(ranking, lang())))
        else:
            unranked = mine[mine["rank_low"].isna()]
            if len(unranked) < len(mine):
                chart(st, charts.rank_history(mine, lang(), home), "home_chart", source=rq.history)
            if not unranked.empty:
                st.caption(
                    t(
                        "ui.unranked_editions",
                        editions=", ".join(
                            f"{y} ({d})"
                            for y, d in zip(unranked["year"], unranked["rank_display"], strict=True)
                        ),
                    )
                )
            # Small tables as plain HTML: readable by screen readers and copyable as text.
            table(
                edition_table(mine).set_index(t("ui.col_edition")),
                "dl_rank_editions",
                t("download.ranking_editions", ranking=short),
                static=True,
                source=rq.history,
            )
            st.caption(t("ui.bands_note"))

if indicators_tab.open:
    with indicators_tab:
        years = query(rq.indicator_years, ranking, home) if home else []
        if not years:
            st.info(t("ui.indicators_empty"))
        else:
            year = st.columns([1, 4])[0].selectbox(t("ui.edition"), years, key="indicator_year")
            parts = query(rq.breakdown, ranking, year, home)
            scored = parts.dropna(subset=["score"])
            figure = charts.indicator_scores(scored, lang())
            chart(st, figure, "indicator_chart", source=rq.breakdown)
            drivers = scored.dropna(subset=["weighted_change"])
            drivers = drivers.reindex(
                drivers["weighted_change"].abs().sort_values(ascending=False).index
            )
            if not drivers.empty:
                st.markdown(
                    t("ui.key_drivers", previous=int(drivers["prev_year"].max()))
                    + " "
                    + "; ".join(
                        f"**{charts.indicator_label(r.indicator, lang())}** "
                        f"{signed_number(r.change, lang(), 1)} "
                        f"({signed_number(r.weighted_change, lang(), 2)} {t('ui.points')})"
                        for r in drivers.head(3).itertuples()
                    )
                )
            table(
                pd.DataFrame(
                    {
                        t("ui.col_indicator"): [
                            charts.indicator_label(c, lang()) for c in parts["indicator"]
                        ],
                        t("ui.col_weight"): parts["weight"],
                        t("ui.col_score"): parts["score"],
                        t("ui.col_rank"): parts["rank_display"],
                        t("ui.col_change"): parts["change"].round(1),
                        t("ui.col_contribution"): parts["contribution"].round(2),
                    }
                ),
                "dl_rank_indicators",
                t("download.ranking_indicators", ranking=short),
                source=rq.breakdown,
            )

if peers_tab.open:
    with peers_tab:
        candidates = query(rq.peer_candidates, ranking)
        reader = lang()
        others = candidates[~candidates["is_home"]]
        groups = sorted(others["peer_group"].dropna().unique().tolist())
        group = (
            st.selectbox(
                t("ui.peer_group"),
                groups,
                index=None,
                # Free text; a group named after a country reads in the user's language.
                # Bound now: a widget's labels may be formatted outside this session's run.
                format_func=lambda group: country_name(group, reader),
                key=f"peer_group_{ranking}",
                placeholder=t("ui.peer_group_any"),
            )
            if groups
            else None
        )
        if group is not None:
            suggested = others[others["peer_group"] == group]["institution"].tolist()
        else:
            suggested = others[others["suggested"]]["institution"].tolist()[:4]
        peers = st.multiselect(
            t("ui.peers_choose"),
            others["institution"].tolist(),
            default=suggested,
            key=f"peers_{ranking}_{group}",
            placeholder=t("ui.peers_placeholder"),
        )
        chosen = tuple(([home] if home else []) + peers)
        frame = query(rq.history, ranking, chosen)
        if frame.empty:
            st.info(t("ui.peers_empty"))
        else:
            chart(st, charts.rank_history(frame, lang(), home), "peer_chart", source=rq.history)
            positions = (
                frame.pivot_table(
                    index="institution", columns="year", values="rank_display", aggfunc="first"
                )
                .reindex(list(chosen))
                .dropna(how="all")
            )
            positions.columns = [str(c) for c in positions.columns]
            # Each institution's rows as published: the files or addresses they came from.
            imported = frame.dropna(subset=["source"]).groupby("institution")["source"]
            positions[t("col.source")] = imported.agg(lambda v: "; ".join(dict.fromkeys(v)))
            positions.index.name = t("col.institution")
            table(
                positions,
                "dl_rank_peers",
                t("download.ranking_peers", ranking=short),
                static=True,
                source=rq.history,
            )
            latest = int(frame["year"].max())
            scores = query(rq.peer_scores, ranking, latest, chosen)
            if not scores.empty:
                st.subheader(t("ui.peer_indicators", year=latest))
                figure = charts.peer_scores(scores, lang(), home)
                chart(st, figure, "peer_scores", source=rq.peer_scores)
                grid = scores.pivot_table(
                    index="indicator", columns="institution", values="score", aggfunc="first"
                ).reindex(columns=[c for c in chosen if c in set(scores["institution"])])
                grid.index = [charts.indicator_label(c, lang()) for c in grid.index]
                grid.index.name = t("ui.col_indicator")
                table(
                    grid.round(1),
                    "dl_rank_peer_scores",
                    t("download.ranking_peer_scores", ranking=short),
                    static=True,
                    source=rq.peer_scores,
                )

if whatif_tab.open:
    with whatif_tab:
        years = query(rq.indicator_years, ranking, home) if home else []
        if not years:
            st.info(t("ui.indicators_empty"))
        else:
            year = years[0]
            parts = query(rq.breakdown, ranking, year, home)
            weighted = parts[(parts["weight"] > 0)]
            st.caption(t("ui.whatif_intro", year=year))
            results = st.container()  # filled after the sliders, shown above them
            scores = {}
            columns = st.columns(2)
            for i, row in enumerate(weighted.itertuples()):
                base = float(row.score) if pd.notna(row.score) else 0.0
                scores[row.indicator] = columns[i % 2].slider(
                    f"{charts.indicator_label(row.indicator, lang())} ({row.weight:g}%)",
                    0.0,
                    100.0,
                    base,
                    0.5,
                    key=f"whatif_{ranking}_{row.indicator}",
                )
            weights = dict(zip(weighted["indicator"], weighted["weight"], strict=True))
            base_scores = dict(zip(weighted["indicator"], weighted["score"], strict=True))
            before = weighted_score({k: v for k, v in base_scores.items() if pd.notna(v)}, weights)
            after = weighted_score(scores, weights)
            position = estimate_position(after, query(rq.edition, ranking, year))
            a, b = results.columns(2)
            change = score_change(after, before, lang())
            # An estimate from the edition's published scores and positions.
            whatif_source = card_help((rq.breakdown, rq.edition))
            a.metric(
                t("ui.whatif_score"),
                number(after, lang(), 1),
                delta=change.text,
                delta_color=change.color,
                delta_arrow=change.arrow,
                border=True,
                help=whatif_source,
            )
            if position.rank is None:
                b.metric(t("ui.whatif_position"), "—", border=True, help=whatif_source)
            elif position.beyond:
                b.metric(
                    t("ui.whatif_position"),
                    t("ui.whatif_beyond", last=position.last_published),
                    border=True,
                    help=whatif_source,
                )
            else:
                b.metric(
                    t("ui.whatif_position"),
                    f"≈ {position.rank}",
                    border=True,
                    delta=t("ui.whatif_near", near=position.near),
                    delta_color="gray",
                    delta_arrow="off",
                    help=whatif_source,
                )
            results.warning(t("ui.whatif_caveat", known=position.known), icon=":material/info:")

if agency_tab.open:
    with agency_tab:
        st.caption(t("ui.agency_intro"))
        latest = query(adq.latest_year)
        if latest is None:
            st.info(t("ui.agency_empty"))
        else:
            counts = query(adq.agency_counts)
            years = sorted(counts["year"].unique(), reverse=True)
            year = st.columns([1, 4])[0].selectbox(t("ui.agency_year"), years, key="agency_year")
            threshold = (
                st.columns([1, 4])[0].number_input(
                    t("ui.agency_threshold"),
                    5,
                    100,
                    int(round(adq.jump_threshold() * 100)),
                    5,
                    key="agency_threshold",
                )
                / 100
            )
            changes = query(adq.jumps, int(year), threshold)
            flagged = changes[changes["flagged"]]
            if flagged.empty:
                st.success(t("ui.agency_none_flagged", percent=percent(threshold, lang())))
            else:
                st.warning(
                    t("ui.agency_flagged", count=len(flagged), percent=percent(threshold, lang()))
                )
            chart(st, agency_charts.jumps_bar(changes, lang()), "agency_jumps", source=adq.jumps)
            table(
                pd.DataFrame(
                    {
                        t("ui.col_kpi"): [
                            agency_charts.kpi_name(r, lang()) for _, r in changes.iterrows()
                        ],
                        t("ui.col_previous"): changes["previous_value"],
                        t("ui.col_value"): changes["value"],
                        t("ui.col_change"): (changes["change"] * 100).round(1).astype("Float64"),
                        t("ui.col_status"): [
                            agency_charts.status_label(x, lang()) for x in changes["status"]
                        ],
                    }
                ),
                "dl_rank_agency",
                t("download.ranking_agency", year=year),
                source=adq.jumps,
            )
            ratios = query(adq.qs_ratios)
            figure = agency_charts.ratios_trend(ratios, lang())
            chart(st, figure, "agency_ratios", source=adq.qs_ratios)
