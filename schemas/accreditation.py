"""Pandera models of programmes, licences, accreditations and corrective actions."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import codes
from schemas.fields import coded, field, row_check


class Programs(pa.DataFrameModel):
    """An educational programme offered by the university."""

    program_code: Series[str] = field("text", required=True, aliases=("code",))
    name_ky: Series[str] = field("text")
    name_ru: Series[str] = field("text")
    name_en: Series[str] = field("text")
    level: Series[str] = coded(codes.PROGRAM_LEVEL, required=True)
    faculty: Series[str] = field("text", required=True, faculty="code")
    language: Series[str] = field("text")
    status: Series[str] = coded(codes.PROGRAM_STATUS, required=True)

    class Config:
        unique = ["program_code"]


class Licenses(pa.DataFrameModel):
    """A licence; no programme code means the institutional licence."""

    license_no: Series[str] = field("text", required=True)
    program_code: Series[str] = field("text")
    issued_on: Series[pa.DateTime] = field("date", required=True)
    valid_until: Series[pa.DateTime] = field("date")
    issuer: Series[str] = field("text")
    status: Series[str] = coded(codes.LICENSE_STATUS, required=True)

    class Config:
        unique = ["license_no"]

    @row_check("valid_until_before_issued", blame="valid_until")
    def valid_after_issue(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["valid_until"] < df["issued_on"]).fillna(False)


class Accreditations(pa.DataFrameModel):
    """An institutional or programme accreditation by a national or international agency."""

    accreditation_id: Series[str] = field("text", required=True, aliases=("id",))
    scope: Series[str] = coded(codes.ACCREDITATION_SCOPE, required=True)
    program_code: Series[str] = field("text")
    agency: Series[str] = field("text", required=True)
    agency_country: Series[str] = field("text")
    kind: Series[str] = coded(codes.ACCREDITATION_KIND, required=True)
    status: Series[str] = coded(codes.ACCREDITATION_STATUS, required=True)
    decision_date: Series[pa.DateTime] = field("date")
    valid_from: Series[pa.DateTime] = field("date")
    valid_until: Series[pa.DateTime] = field("date")
    certificate_no: Series[str] = field("text")

    class Config:
        unique = ["accreditation_id"]

    @row_check("valid_until_before_valid_from", blame="valid_until")
    def valid_range(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["valid_until"] < df["valid_from"]).fillna(False)

    @row_check("program_scope_needs_program", blame="program_code")
    def program_scope_has_code(cls, df: pd.DataFrame) -> Series[bool]:
        return ~((df["scope"] == "program") & df["program_code"].isna())


class ActionItems(pa.DataFrameModel):
    """A corrective action from an accreditation visit or an audit."""

    item_id: Series[str] = field("text", required=True, aliases=("id",))
    source: Series[str] = coded(codes.ACTION_SOURCE, required=True)
    source_id: Series[str] = field("text")
    recommendation: Series[str] = field("text", required=True)
    owner: Series[str] = field("text")
    due_date: Series[pa.DateTime] = field("date")
    status: Series[str] = coded(codes.ACTION_STATUS, required=True)
    closed_on: Series[pa.DateTime] = field("date")

    class Config:
        unique = ["item_id"]
