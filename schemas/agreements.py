"""Pandera model of the register of international agreements."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import codes
from schemas.fields import coded, field, row_check

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Agreements(pa.DataFrameModel):
    """One agreement with a partner institution; valid_until empty means open-ended."""

    agreement_id: Series[str] = field("text", required=True, aliases=("id",))
    partner_institution: Series[str] = field("text", required=True)
    partner_country: Series[str] = field("text", required=True)
    partner_city: Series[str] = field("text")
    agreement_type: Series[str] = coded(codes.AGREEMENT_TYPE, required=True)
    signed_date: Series[pa.DateTime] = field("date")
    valid_until: Series[pa.DateTime] = field("date")
    status: Series[str] = coded(codes.AGREEMENT_STATUS, required=True)
    faculty: Series[str] = field("text", faculty="code")
    quota_students_out: Series[pd.Int64Dtype] = field("int", ge=0)
    quota_students_in: Series[pd.Int64Dtype] = field("int", ge=0)
    quota_staff: Series[pd.Int64Dtype] = field("int", ge=0)
    contact_name: Series[str] = field("text")
    contact_email: Series[str] = field("text", str_matches=EMAIL)
    website: Series[str] = field("text")
    notes: Series[str] = field("text")

    class Config:
        unique = ["agreement_id"]

    @row_check("valid_until_before_signed", blame="valid_until")
    def valid_after_signed(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["valid_until"] < df["signed_date"]).fillna(False)
