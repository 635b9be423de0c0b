"""Pandera model of academic mobility records (regulation on academic mobility)."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import codes
from schemas.fields import coded, field, row_check

SHORT_MOBILITY_DAYS = 31  # "short" mobility lasts at most one month (DESIGN.md)


class Mobility(pa.DataFrameModel):
    """One person's one mobility; no names, a pseudonymous participant code."""

    mobility_id: Series[str] = field("text", required=True, aliases=("id",))
    academic_year: Series[str] = field("academic_year", required=True)
    participant_category: Series[str] = coded(codes.PARTICIPANT_CATEGORY, required=True)
    participant_code: Series[str] = field("text", required=True)
    gender: Series[str] = coded(codes.GENDER)
    citizenship: Series[str] = field("text")
    faculty: Series[str] = field("text", faculty="code")
    direction: Series[str] = coded(codes.DIRECTION, required=True)
    scope: Series[str] = coded(codes.MOBILITY_SCOPE, required=True)
    format: Series[str] = coded(codes.MOBILITY_FORMAT)
    purpose: Series[str] = coded(codes.PURPOSE)
    program: Series[str] = coded(codes.MOBILITY_PROGRAM)
    partner_institution: Series[str] = field("text")
    partner_country: Series[str] = field("text")
    partner_city: Series[str] = field("text")
    start_date: Series[pa.DateTime] = field("date")
    end_date: Series[pa.DateTime] = field("date")
    duration_days: Series[pd.Int64Dtype] = field("int", ge=0, le=3660)
    duration_type: Series[str] = coded(codes.DURATION_TYPE, derived=True)
    funding_source: Series[str] = coded(codes.FUNDING_SOURCE)
    gpa_at_selection: Series[pd.Float64Dtype] = field("float", ge=0, le=4)
    credits_planned: Series[pd.Float64Dtype] = field("float", ge=0, le=60)
    credits_earned: Series[pd.Float64Dtype] = field("float", ge=0, le=60)
    credits_recognized: Series[pd.Float64Dtype] = field("float", ge=0, le=60)
    credits_failed: Series[pd.Float64Dtype] = field("float", ge=0, le=60)
    status: Series[str] = coded(codes.MOBILITY_STATUS, required=True)
    report_date: Series[pa.DateTime] = field("date")
    # Semester of the study programme during the mobility (students; NULL for staff). At the
    # end, so templates keep their earlier column order.
    study_semester: Series[pd.Int64Dtype] = field(
        "int", ge=1, le=12, aliases=("semester", "семестр")
    )

    class Config:
        unique = ["mobility_id"]

    @row_check("end_before_start", blame="end_date")
    def end_not_before_start(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["end_date"] < df["start_date"]).fillna(False)


def derive_duration(frame: pd.DataFrame) -> pd.DataFrame:
    """Mobility's derive hook: duration_days from the dates, duration_type from the days.

    A duration typed in the file is kept; only a blank one is measured from the dates. An
    end before the start is reported by ``end_not_before_start``, never measured.
    """
    days = (frame["end_date"] - frame["start_date"]).dt.days.astype("Int64")
    days = days.where(days >= 0)
    frame["duration_days"] = frame["duration_days"].fillna(days)
    kind = pd.Series(None, index=frame.index, dtype="str")
    kind[frame["duration_days"].notna()] = "long"
    kind[frame["duration_days"] <= SHORT_MOBILITY_DAYS] = "short"
    frame["duration_type"] = kind
    return frame
