"""sapat.queries.surveys on a fresh warehouse: means weighted by responses, texts by language."""

from __future__ import annotations

import pytest

from sapat.queries import measures as msq
from sapat.queries import surveys as svq
from tests.factories import insert


def survey(conn, year, group, faculty, code, mean, responses, satisfied=None, **texts) -> None:
    insert(
        conn,
        "survey_results",
        academic_year=year,
        respondent_group=group,
        faculty=faculty,
        question_code=code,
        question_ky=texts.get("ky", f"ky {code}"),
        question_ru=texts.get("ru", f"ru {code}"),
        question_en=texts.get("en", f"en {code}"),
        responses=responses,
        mean_score=mean,
        share_satisfied=satisfied,
    )


def test_survey_means_are_weighted_by_responses_and_texts_follow_the_language(conn):
    survey(conn, "2024-2025", "students", "F1", "Q1", 4.0, 300, 0.8)
    survey(conn, "2024-2025", "students", "F2", "Q1", 2.0, 100, 0.2)
    survey(conn, "2024-2025", "students", "F1", "Q2", 3.5, 300, 0.6, ky=None)
    survey(conn, "2023-2024", "students", "F1", "Q1", 3.0, 100, 0.5)
    survey(conn, "2024-2025", "employers", None, "Q9", 4.5, 20, 0.9)
    sat = svq.satisfaction(conn).set_index(["academic_year", "respondent_group"])
    assert sat.loc[("2024-2025", "students"), "mean_score"] == pytest.approx(
        (4.0 * 300 + 2.0 * 100 + 3.5 * 300) / 700
    )
    low = svq.lowest_questions(conn, "2024-2025", "ky")
    assert low["question_code"].tolist() == ["Q1", "Q2", "Q9"]
    assert low.iloc[0]["mean_score"] == pytest.approx(3.5)
    assert low.iloc[0]["change"] == pytest.approx(0.5)
    assert low.set_index("question_code").loc["Q2", "question"] == "ru Q2"  # no Kyrgyz text
    assert svq.lowest_questions(conn, "2024-2025", "en", "employers")["question"].tolist() == [
        "en Q9"
    ]
    assert svq.by_faculty(conn, "employers").empty  # answered for the whole university
    student = msq.values(conn, "student_satisfaction").set_index("year")
    assert student.loc[2025, "value"] == pytest.approx(
        sat.loc[("2024-2025", "students"), "mean_score"]
    )
