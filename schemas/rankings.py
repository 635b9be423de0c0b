"""Pandera models of published ranking results and their indicator scores."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import codes
from schemas.fields import coded, field


class RankingResults(pa.DataFrameModel):
    """One institution's position in one edition of one ranking."""

    ranking: Series[str] = coded(codes.RANKINGS, required=True)
    year: Series[pd.Int64Dtype] = field("year", required=True, ge=1990, le=2100)
    institution: Series[str] = field("text", required=True, aliases=("university", "name"))
    country: Series[str] = field("text", aliases=("location", "country/territory"))
    rank_display: Series[str] = field("rank", required=True, aliases=("rank", "position"))
    rank_low: Series[pd.Int64Dtype] = field("int", derived=True, ge=1)
    rank_high: Series[pd.Int64Dtype] = field("int", derived=True, ge=1)
    is_tie: Series[pd.BooleanDtype] = field("bool", derived=True)
    is_band: Series[pd.BooleanDtype] = field("bool", derived=True)
    overall_score: Series[pd.Float64Dtype] = field("float", ge=0, le=1000, aliases=("score",))
    source: Series[str] = field("text")

    class Config:
        unique = ["ranking", "year", "institution"]


class RankingIndicatorScores(pa.DataFrameModel):
    """One indicator's score (and rank, where published) of one institution in one edition."""

    ranking: Series[str] = coded(codes.RANKINGS, required=True)
    year: Series[pd.Int64Dtype] = field("year", required=True, ge=1990, le=2100)
    institution: Series[str] = field("text", required=True, aliases=("university", "name"))
    indicator: Series[str] = field("text", required=True)
    score: Series[pd.Float64Dtype] = field("float", ge=0, le=1000)
    rank_display: Series[str] = field("rank", aliases=("rank",))
    rank_low: Series[pd.Int64Dtype] = field("int", derived=True, ge=1)
    rank_high: Series[pd.Int64Dtype] = field("int", derived=True, ge=1)

    class Config:
        unique = ["ranking", "year", "institution", "indicator"]
