"""Pandera models of strategy KPI definitions, targets and values."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import codes
from schemas.fields import coded, field


class KpiDefinitions(pa.DataFrameModel):
    """A strategy indicator, named in the three languages."""

    code: Series[str] = field("text", required=True, str_matches=r"^[a-z0-9_]+$")
    name_ky: Series[str] = field("text", required=True)
    name_ru: Series[str] = field("text", required=True)
    name_en: Series[str] = field("text", required=True)
    unit: Series[str] = coded(codes.KPI_UNIT, required=True)
    direction: Series[str] = coded(codes.KPI_DIRECTION, required=True)
    category: Series[str] = coded(codes.KPI_CATEGORY, required=True)
    owner: Series[str] = field("text")

    class Config:
        unique = ["code"]


class KpiTargets(pa.DataFrameModel):
    """The target of a KPI for a year, for the university or one faculty."""

    code: Series[str] = field("text", required=True)
    year: Series[pd.Int64Dtype] = field("year", required=True, ge=1990, le=2100)
    unit_scope: Series[str] = field("text", required=True, faculty="scope")
    target: Series[pd.Float64Dtype] = field("float", required=True)

    class Config:
        unique = ["code", "year", "unit_scope"]


class KpiValues(pa.DataFrameModel):
    """The measured value of a KPI for a year, for the university or one faculty."""

    code: Series[str] = field("text", required=True)
    year: Series[pd.Int64Dtype] = field("year", required=True, ge=1990, le=2100)
    unit_scope: Series[str] = field("text", required=True, faculty="scope")
    value: Series[pd.Float64Dtype] = field("float", required=True)
    source: Series[str] = field("text")

    class Config:
        unique = ["code", "year", "unit_scope"]
