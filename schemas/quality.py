"""Pandera models of academic quality: sessions, graduates, staff, staff rating, surveys.

All aggregated or pseudonymous: no student or staff names anywhere.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import codes
from schemas.fields import coded, field, row_check

GRADES = ("grade_a", "grade_b", "grade_c", "grade_d", "grade_f")
DEGREES = ("doctors_of_science", "candidates_of_science", "phd_holders")
# A total typed as a weighted mean of its parts may be rounded to one decimal.
SCORE_TOLERANCE = 0.05


def _sum(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Row sums that count a blank cell as nothing (a blank is not a reason to reject)."""
    return df[list(columns)].fillna(0).sum(axis=1)


def _not_above(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``part <= whole`` where both are known; a blank passes (it is checked elsewhere).

    A negative whole is already reported as too small: comparing against it would only
    repeat that one mistake as several.
    """
    return ~((part > whole) & (whole >= 0)).fillna(False).astype(bool)


class ExamResults(pa.DataFrameModel):
    """One session of one course year of one programme: how many sat, passed, and grades."""

    academic_year: Series[str] = field("academic_year", required=True)
    # Within the academic year: 1 autumn, 2 spring, 3 the (paid) summer semester.
    semester: Series[pd.Int64Dtype] = field("int", required=True, ge=1, le=3)
    faculty: Series[str] = field("text", faculty="code")
    program_code: Series[str] = field("text", required=True, aliases=("programme", "program"))
    course_year: Series[pd.Int64Dtype] = field(
        "int", required=True, ge=1, le=7, aliases=("course",)
    )
    session_type: Series[str] = coded(codes.SESSION_TYPE, required=True, aliases=("session",))
    students_total: Series[pd.Int64Dtype] = field("int", required=True, ge=0)
    students_passed: Series[pd.Int64Dtype] = field("int", required=True, ge=0)
    avg_score: Series[pd.Float64Dtype] = field("float", ge=0, le=100)
    grade_a: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("A",))
    grade_b: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("B",))
    grade_c: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("C",))
    grade_d: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("D",))
    grade_f: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("F",))

    class Config:
        unique = ["academic_year", "semester", "program_code", "course_year", "session_type"]

    @row_check("passed_above_total", blame="students_passed")
    def passed_within_total(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(df["students_passed"], df["students_total"])

    @row_check("grades_above_total", blame="students_total")
    def grades_within_total(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(_sum(df, GRADES), df["students_total"])


class Graduates(pa.DataFrameModel):
    """Graduates of one programme in one academic year, and how many found work within a year."""

    academic_year: Series[str] = field("academic_year", required=True)
    faculty: Series[str] = field("text", faculty="code")
    program_code: Series[str] = field("text", required=True, aliases=("programme", "program"))
    level: Series[str] = coded(codes.PROGRAM_LEVEL)
    graduates_total: Series[pd.Int64Dtype] = field("int", required=True, ge=0)
    with_honours: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("with_honors",))
    employed_within_year: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("employed",))

    class Config:
        unique = ["academic_year", "program_code"]

    @row_check("honours_above_total", blame="with_honours")
    def honours_within_total(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(df["with_honours"], df["graduates_total"])

    @row_check("employed_above_total", blame="employed_within_year")
    def employed_within_total(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(df["employed_within_year"], df["graduates_total"])


class StaffComposition(pa.DataFrameModel):
    """Teaching staff of one department in one year: headcount, FTE, degrees, titles."""

    year: Series[pd.Int64Dtype] = field("year", required=True, ge=1990, le=2100)
    faculty: Series[str] = field("text", required=True, faculty="code")
    department: Series[str] = field("text", required=True, aliases=("chair",))
    headcount: Series[pd.Int64Dtype] = field("int", required=True, ge=0)
    fte: Series[pd.Float64Dtype] = field("float", ge=0, aliases=("FTE",))
    doctors_of_science: Series[pd.Int64Dtype] = field("int", ge=0)
    candidates_of_science: Series[pd.Int64Dtype] = field("int", ge=0)
    phd_holders: Series[pd.Int64Dtype] = field("int", ge=0, aliases=("PhD",))
    professors: Series[pd.Int64Dtype] = field("int", ge=0)
    associate_professors: Series[pd.Int64Dtype] = field("int", ge=0)
    international_staff: Series[pd.Int64Dtype] = field("int", ge=0)

    class Config:
        unique = ["year", "faculty", "department"]

    @row_check("fte_above_headcount", blame="fte")
    def fte_within_headcount(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(df["fte"], df["headcount"])

    @row_check("degrees_above_headcount", blame="headcount")
    def degrees_within_headcount(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(_sum(df, DEGREES), df["headcount"])

    @row_check("titles_above_headcount", blame="headcount")
    def titles_within_headcount(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(_sum(df, ("professors", "associate_professors")), df["headcount"])

    @row_check("international_above_headcount", blame="international_staff")
    def international_within_headcount(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_above(df["international_staff"], df["headcount"])


class StaffRating(pa.DataFrameModel):
    """The annual rating of one teacher, under a pseudonymous code (never a name).

    Part scores and the total are on a 0–100 scale; the total is a weighted mean of the
    parts (the weights are the university's), so it lies between the lowest and highest.
    """

    year: Series[pd.Int64Dtype] = field("year", required=True, ge=1990, le=2100)
    staff_code: Series[str] = field("text", required=True)
    faculty: Series[str] = field("text", faculty="code")
    department: Series[str] = field("text", aliases=("chair",))
    position: Series[str] = coded(codes.STAFF_POSITION)
    teaching_score: Series[pd.Float64Dtype] = field("float", ge=0, le=100)
    research_score: Series[pd.Float64Dtype] = field("float", ge=0, le=100)
    service_score: Series[pd.Float64Dtype] = field("float", ge=0, le=100)
    total_score: Series[pd.Float64Dtype] = field("float", required=True, ge=0, le=100)

    class Config:
        unique = ["year", "staff_code"]

    @row_check("total_outside_parts", blame="total_score")
    def total_between_parts(cls, df: pd.DataFrame) -> Series[bool]:
        parts = df[["teaching_score", "research_score", "service_score"]].astype("Float64")
        complete = parts.notna().all(axis=1)
        low = parts.min(axis=1) - SCORE_TOLERANCE
        high = parts.max(axis=1) + SCORE_TOLERANCE
        outside = (df["total_score"] < low) | (df["total_score"] > high)
        return ~(complete & outside.fillna(False)).astype(bool)


class SurveyResults(pa.DataFrameModel):
    """One question of a satisfaction survey, for one respondent group (and faculty)."""

    survey_code: Series[str] = field("text", required=True, aliases=("survey",))
    academic_year: Series[str] = field("academic_year", required=True)
    respondent_group: Series[str] = coded(codes.RESPONDENT_GROUP, required=True)
    # Blank: the whole university.
    faculty: Series[str] = field("text", faculty="code")
    question_code: Series[str] = field("text", required=True, aliases=("question",))
    question_ky: Series[str] = field("text")
    question_ru: Series[str] = field("text")
    question_en: Series[str] = field("text")
    responses: Series[pd.Int64Dtype] = field("int", ge=0)
    mean_score: Series[pd.Float64Dtype] = field("float", ge=1, le=5, aliases=("mean",))
    share_satisfied: Series[pd.Float64Dtype] = field("float", ge=0, le=1)

    class Config:
        unique = ["survey_code", "academic_year", "respondent_group", "faculty", "question_code"]
