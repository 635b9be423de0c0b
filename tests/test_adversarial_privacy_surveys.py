"""Difference attacks on what a viewer receives: the surveys (tests/test_adversarial_privacy.py
tells the attack, and holds the staff rating's)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from sapat.i18n import code_label
from sapat.queries import measures as msq
from sapat.queries import surveys as svq
from tests.factories import insert
from tests.test_adversarial_privacy import (
    EN,
    Known,
    Received,
    difference,
    header,
    merge,
    open_page,
    received,
    recovered,
    show,
    shown_pairs,
)

# Surveys: per faculty the responses and, per question, the mean (1–5) and share satisfied.
SURVEY_YEAR, SURVEY_BEFORE = "2025-2026", "2024-2025"
QUESTIONS = ("Q1", "Q2", "Q3")
SURVEYED = {
    "ALPHA": (60, (3.81, 4.12, 3.48), (0.712, 0.801, 0.553)),
    "BETA": (30, (4.43, 3.96, 4.22), (0.9, 0.733, 0.833)),
    "GAMMA": (45, (3.62, 3.88, 4.06), (0.622, 0.711, 0.756)),
}
# The hidden faculty: one respondent (their own answers) or four.
HIDDEN_SURVEYS = {
    "one": ("HID", 1, (2.0, 1.0, 2.0), (0.0, 0.0, 0.0)),
    "four": ("HID", 4, (1.75, 2.25, 1.5), (0.0, 0.25, 0.0)),
}
# Answered for the whole university by employers: Q8 by many, Q9 by three only.
EMPLOYER_ROWS = (("Q8", 20, 4.11, 0.8), ("Q9", 3, 1.67, 0.0))


def survey_row(conn, year, group, faculty, code, responses, mean, share) -> None:
    insert(
        conn,
        "survey_results",
        academic_year=year,
        respondent_group=group,
        faculty=faculty,
        question_code=code,
        **{f"question_{lang}": f"{lang} {code}" for lang in ("ky", "ru", "en")},
        responses=responses,
        mean_score=mean,
        share_satisfied=share,
    )


def exam_row(conn, year: str, faculty: str) -> None:
    """An exam result, so that the quality page offers the faculty in its picker."""
    insert(
        conn,
        "exam_results",
        academic_year=year,
        faculty=faculty,
        program_code=f"{faculty}-P",
        students_total=100,
        students_passed=90,
    )


def survey_warehouse(conn, hidden: str) -> None:
    faculty, responses, means, shares = HIDDEN_SURVEYS[hidden]
    for name, (n, m, s) in SURVEYED.items():
        exam_row(conn, SURVEY_YEAR, name)
        for q, mean, share in zip(QUESTIONS, m, s, strict=True):
            survey_row(conn, SURVEY_YEAR, "students", name, q, n, mean, share)
            survey_row(conn, SURVEY_BEFORE, "students", name, q, n, round(mean - 0.1, 2), share)
    exam_row(conn, SURVEY_YEAR, faculty)
    for q, mean, share in zip(QUESTIONS, means, shares, strict=True):
        survey_row(conn, SURVEY_YEAR, "students", faculty, q, responses, mean, share)
        survey_row(conn, SURVEY_BEFORE, "students", faculty, q, 8, 3.9, 0.75)
    for q, n, mean, share in EMPLOYER_ROWS:
        survey_row(conn, SURVEY_YEAR, "employers", None, q, n, mean, share)


# --- the surveys -----------------------------------------------------------------------------
def survey_views(hidden: str) -> Received:
    """The surveys tab as a viewer: the university, each group, each year and faculty."""
    faculty = HIDDEN_SURVEYS[hidden][0]
    seen = Received()
    state = {"quality_tab": EN["ui.quality_tab_surveys"], "sv_year": SURVEY_YEAR}
    at = open_page("pages/quality.py", state)
    seen.extend(received(at))
    for change in (
        {"sv_group": "students"},
        {"sv_group": None, "sv_year": SURVEY_BEFORE},
        {"sv_year": SURVEY_YEAR, "sv_group": "employers"},
        {"sv_group": None},
        *({"aq_faculty": name} for name in [*SURVEYED, faculty]),
    ):
        seen.extend(received(show(at, change)))
    return seen


@pytest.fixture
def survey_wh(request, db_path, conn, env_db):
    survey_warehouse(conn, request.param)
    conn.close()
    env_db(db_path)
    return request.param


def questions_shown(view: Received, group: str) -> dict[tuple[str, str], list[Known]]:
    """One group's questions by (question text, figure), from the lowest-questions table
    and bars of one view."""
    out: dict[tuple[str, str], list[Known]] = defaultdict(list)
    for frame in view.frames:
        if header("question") not in frame or header("mean_score") not in frame:
            continue
        mine = frame[frame[header("respondent_group")] == group]
        for name in ("mean_score", "share_satisfied", "responses"):
            if not pd.api.types.is_numeric_dtype(mine[header(name)]):
                continue  # a styled table's display text; its numbers are in its data
            for text, k in shown_pairs(mine[header("question")], mine[header(name)]):
                out[(text, name)].append(k)
    for figure in view.figures:
        for trace in figure["data"]:
            if trace.get("orientation") != "h":
                continue
            for label, k in shown_pairs(trace["y"], trace["x"]):
                if label.endswith(f"({group})"):
                    out[(label.rsplit(" (", 1)[0], "mean_score")].append(k)
    return out


def trend_shown(views: dict, group: str) -> dict[tuple[str | None, str, str], list[Known]]:
    """One group's satisfaction by (faculty view, academic year, figure): the trend chart of
    each view, and the faculties' heatmap."""
    out: dict[tuple[str | None, str, str], list[Known]] = defaultdict(list)
    for name, view in views.items():
        for figure in view.figures:
            for trace in figure["data"]:
                if trace.get("type") == "heatmap" and name is None:
                    for faculty, row in zip(trace["y"], trace["z"], strict=True):
                        for year, k in shown_pairs(trace["x"], row):
                            out[(faculty, year, "mean_score")].append(k)
                if trace.get("name") != group or trace.get("type") != "scatter":
                    continue
                for key, figure_name, scale in (
                    ("y", "mean_score", 1.0),
                    ("customdata", "share_satisfied", 0.01),
                ):
                    values = trace.get(key) or [None] * len(trace["x"])
                    for year, k in shown_pairs(trace["x"], values):
                        out[(name, year, figure_name)].append(Known(k.lo * scale, k.hi * scale))
    return out


def survey_attack(views: dict, hidden: str) -> list:
    """Every subtraction of the visible faculties from the university that pins down one of
    the hidden faculty's figures."""
    faculty, h, means, shares = HIDDEN_SURVEYS[hidden]
    students = code_label("students", "en")
    shown = {name: questions_shown(view, students) for name, view in views.items()}
    responses = {name: n for name, (n, *_) in SURVEYED.items()}
    leaks = []
    for i, q in enumerate(QUESTIONS):
        text = f"en {q}"
        for figure, truth in (("mean_score", means[i]), ("share_satisfied", shares[i])):
            whole = merge(shown[None].get((text, figure), []))
            assert whole is not None, (q, figure)
            parts = [
                (n, merge(shown[name].get((text, figure), []))) for name, n in responses.items()
            ]
            if any(k is None for _, k in parts):
                continue
            # The attacker tries the response count the page gives and everyone's.
            totals = {sum(responses.values()) + h}
            totals |= {round(k.mid) for k in shown[None].get((text, "responses"), [])}
            for total in totals:
                guess = difference(whole, total, parts)
                if recovered(guess, truth):
                    leaks.append((q, figure, total, guess, truth))
        # The hidden faculty's own view shows nothing of it.
        leaks += [("own view", key, k) for key, k in shown[faculty].items() if key[0] == text]
    # The whole survey of the year: the university's trend against each faculty's, every
    # faculty weighted by its responses to the three questions.
    trend = trend_shown(views, students)
    for figure, truth in (("mean_score", np.mean(means)), ("share_satisfied", np.mean(shares))):
        whole = merge(trend.get((None, SURVEY_YEAR, figure), []))
        parts = [(n, merge(trend.get((f, SURVEY_YEAR, figure), []))) for f, n in responses.items()]
        if whole is None or any(k is None for _, k in parts):
            continue
        guess = difference(whole, sum(responses.values()) + h, parts)
        if recovered(guess, float(truth)):
            leaks.append(("trend", figure, guess, truth))
    if (faculty, SURVEY_YEAR, "mean_score") in trend:
        leaks.append(("own trend", trend[(faculty, SURVEY_YEAR, "mean_score")]))
    assert (faculty, SURVEY_BEFORE, "mean_score") in trend  # shown the year before
    return leaks


@pytest.mark.parametrize("survey_wh", list(HIDDEN_SURVEYS), indirect=True)
def test_the_difference_attack_on_the_surveys_fails(survey_wh):
    faculty = HIDDEN_SURVEYS[survey_wh][0]
    state = {"quality_tab": EN["ui.quality_tab_surveys"], "sv_year": SURVEY_YEAR}
    at = open_page("pages/quality.py", state)
    views = {None: received(at)}
    views[None].extend(received(show(at, {"sv_group": "students"})))
    show(at, {"sv_group": None})
    for name in [*SURVEYED, faculty]:
        views[name] = received(show(at, {"aq_faculty": name}))
    assert not survey_attack(views, survey_wh)
    # University-wide answers of three employers are not shown at all.
    assert not any("en Q9" in text for view in views.values() for text in view.texts)


@pytest.mark.parametrize("survey_wh", ["four"], indirect=True)
def test_survey_figures_are_rounded_and_the_rule_is_explained(survey_wh):
    seen = survey_views(survey_wh)
    assert seen.figures
    for figure in seen.figures:
        for trace in figure["data"]:
            for key in ("x", "y", "z", "customdata"):
                for v in np.ravel(np.asarray(trace.get(key) or [], dtype=object)):
                    if isinstance(v, int | float) and not isinstance(v, bool) and v == v:
                        assert abs(v * 100 - round(v * 100)) < 1e-6, (trace.get("name"), key, v)
    for frame in seen.frames:
        for column in frame.select_dtypes("number"):
            for v in frame[column].dropna():
                assert abs(v * 1000 - round(v * 1000)) < 1e-6, (column, v)
    note = EN["ui.surveys_privacy_note"].format(count=svq.MIN_RESPONSES)
    assert note in seen.texts


@pytest.mark.parametrize("hidden", list(HIDDEN_SURVEYS))
def test_survey_queries_and_measures_leave_small_groups_out(conn, hidden):
    survey_warehouse(conn, hidden)
    faculty, *_ = HIDDEN_SURVEYS[hidden]
    weights = {name: n for name, (n, *_) in SURVEYED.items()}
    visible = sum(weights[f] * m for f, (_, ms, _) in SURVEYED.items() for m in ms)
    expected = visible / (3 * sum(weights.values()))
    sat = svq.satisfaction(conn).set_index(["academic_year", "respondent_group"])
    assert sat.loc[(SURVEY_YEAR, "students"), "mean_score"] == pytest.approx(expected)
    assert sat.loc[(SURVEY_YEAR, "employers"), "respondents"] == 20
    heat = svq.by_faculty(conn, "students")
    assert heat[heat["academic_year"] == SURVEY_YEAR]["faculty"].tolist() == list(SURVEYED)
    assert svq.lowest_questions(conn, SURVEY_YEAR, "en", faculty=faculty).empty
    low = svq.lowest_questions(conn, SURVEY_YEAR, "en")
    assert "Q9" not in set(low["question_code"])
    measure = msq.values(conn, "student_satisfaction").set_index("year")
    assert measure.loc[2026, "value"] == pytest.approx(expected)
    assert msq.values(conn, "student_satisfaction", faculty)["year"].tolist() == [2025]
