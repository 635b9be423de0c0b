"""A published ranking table on the Data page: propose, preview, commit (no Streamlit here)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipelines.problems import FileRejected
from pipelines.ranking_layouts import Proposal, propose
from pipelines.ranking_tables import RankingImport, import_ranking_table, read_ranking_file
from pipelines.readers import RawSheet
from sapat.countries import country_name

log = logging.getLogger("sapat")
PREVIEW_COLUMNS = [
    "year",
    "rank_display",
    "institution",
    "country",
    "overall_score",
    "is_band",
    "is_tie",
]


@dataclass
class Proposed:
    """The file as first read: its system and edition as Sapat proposes them, or a refusal."""

    file_name: str
    sha256: str
    error: str | None = None
    proposal: Proposal | None = None
    raw: RawSheet | None = field(default=None, repr=False)  # read once, previewed from it


def propose_file(file_name: str, data: bytes, lang: str) -> Proposed:
    """Read the file once and propose its ranking system and edition; writes nothing."""
    proposed = Proposed(file_name, hashlib.sha256(data).hexdigest())
    try:
        raw = read_ranking_file(file_name, data)
    except FileRejected as exc:
        proposed.error = exc.message(lang)
        return proposed
    proposed.proposal = propose(raw, file_name)
    proposed.raw = raw
    return proposed


@dataclass
class RankingPreview:
    """What the import would store, for the editor to read before committing."""

    report: RankingImport

    def counts(self) -> dict[str, int]:
        """Rows, rows that will load, bands, ties (published and inferred), Reporter rows."""
        good = self.report.good
        report = self.report
        if good is None or good.empty:
            bands = ties = unranked = 0
        else:
            bands = int(good["is_band"].fillna(False).sum())
            ties = int(good["is_tie"].fillna(False).sum())
            unranked = int((good["rank_low"].isna() & good["rank_display"].notna()).sum())
        return {
            "rows": report.rows_in,
            "loaded": report.rows_valid,
            "held": report.bad_rows,
            "bands": bands,
            "ties": ties,
            "inferred": report.findings.inferred_ties + report.findings.zero_ties,
            "unranked": unranked,
            "proposals": len(report.proposals),
        }

    def stored_rows(self, lang: str, institutions: frozenset[str] | None = None) -> pd.DataFrame:
        """Rows as they will be stored (file line first), optionally only some institutions'."""
        good = self.report.good
        if good is None:
            return pd.DataFrame(columns=["line", *PREVIEW_COLUMNS])
        if institutions is not None:
            good = good[good["institution"].isin(list(institutions))]
        frame = good[PREVIEW_COLUMNS].copy()
        frame.insert(0, "line", good.index.astype("int64"))
        codes, uniques = pd.factorize(frame["country"])
        names = [country_name(u, lang) or u for u in uniques]
        frame["country"] = pd.array([*names, None], dtype="str").take(codes)
        # A score the table does not give is an empty cell, not a word in any language.
        frame["overall_score"] = frame["overall_score"].map(
            lambda v: "" if pd.isna(v) else f"{v:g}", na_action=None
        )
        return frame.reset_index(drop=True)

    def guarded_rows(self, lang: str) -> pd.DataFrame:
        """The home university's and the peers' rows, as they will be stored."""
        return self.stored_rows(lang, self.report.guarded)

    def problem_table(self, lang: str) -> pd.DataFrame:
        """Every row that cannot be read, with its line number, column, value and reason."""
        rows = [
            (p.row, p.column or "", p.value or "", p.message(lang)) for p in self.report.problems
        ]
        frame = pd.DataFrame(rows, columns=["line", "column", "value", "problem"])
        return frame.astype({"line": "Int64"})

    def proposal_table(self, lang: str) -> pd.DataFrame:
        """Alias proposals with their evidence: both names, country, city, similarity, lines."""
        rows = []
        for p in self.report.proposals.values():
            rows.append(
                {
                    "accept": p.accepted,
                    "published": p.published,
                    "published_country": country_name(p.published_country, lang) or "",
                    "published_city": p.published_city or "",
                    "known": p.known,
                    "known_country": country_name(p.known_country, lang) or "",
                    "known_city": p.known_city or "",
                    "similarity": f"{round(p.similarity * 100)}%",
                    "lines": ", ".join(str(r) for r in p.rows[:5])
                    + (" …" if len(p.rows) > 5 else ""),
                    "guarded": p.guarded,
                }
            )
        columns = [
            "accept",
            "published",
            "published_country",
            "published_city",
            "known",
            "known_country",
            "known_city",
            "similarity",
            "lines",
            "guarded",
        ]
        return pd.DataFrame(rows, columns=columns)


def preview_ranking(
    conn: duckdb.DuckDBPyConnection,
    file_name: str,
    data: bytes,
    *,
    ranking: str,
    year: int | None,
    accept: dict[str, str],
    lang: str,
    raw: RawSheet | None = None,
) -> RankingPreview:
    """Run the whole import without writing: what would be stored, held back, proposed."""
    report = import_ranking_table(
        conn,
        file_name,
        data,
        ranking=ranking,
        year=year,
        lang=lang,
        accept=accept,
        check_only=True,
        raw=raw,
    )
    return RankingPreview(report)


def commit_ranking(
    conn: duckdb.DuckDBPyConnection,
    file_name: str,
    data: bytes,
    *,
    ranking: str,
    year: int | None,
    accept: dict[str, str],
    mode: str,
    user: str,
    lang: str,
) -> RankingImport:
    """Import for real: read and check again (the warehouse may have changed), then load.

    The results and the indicator scores are two uploads, each undone on the History tab.
    """
    report = import_ranking_table(
        conn,
        file_name,
        data,
        ranking=ranking,
        year=year,
        mode=mode,
        user=user,
        lang=lang,
        accept=accept,
    )
    log.info("ranking import %s %s by %s: %s", ranking, file_name, user, report.results)
    return report
