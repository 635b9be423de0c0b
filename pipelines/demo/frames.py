"""Every demo dataset's frame, generated from one seed and one fixed "today"."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.demo.accreditation import (
    accreditation_rows,
    action_item_rows,
    license_rows,
    program_rows,
)
from pipelines.demo.agreements import agreement_rows
from pipelines.demo.catalogue import DEFAULT_TODAY, faculties, institutions
from pipelines.demo.kpis import kpi_rows, measured_kpi_rows, snapshot_values
from pipelines.demo.mobility import mobility_rows, set_study_semesters
from pipelines.demo.quality import exam_rows, staff_rows, survey_rows
from pipelines.demo.rankings import indicator_rows, ranking_rows
from pipelines.demo.shared import to_frame


def generate(seed: int = 2026, today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Every dataset's demo frame (validating against its model), plus ``institutions``.

    The same seed and today give identical frames; relative dates (expiring soon, overdue)
    are computed from ``today``, 2026-11-21 unless given.
    """
    today = today or DEFAULT_TODAY
    # One generator drawn from in this order: reordering the calls changes every frame.
    rng = np.random.default_rng(seed)
    results = ranking_rows()
    indicators = indicator_rows(rng, results)
    mobility = mobility_rows(rng)
    set_study_semesters(np.random.default_rng([seed, 4]), mobility)
    agreements = agreement_rows(rng, today)
    programs = program_rows()
    licenses = license_rows(rng, programs, today)
    accreditations = accreditation_rows(rng, programs, today)
    actions = action_item_rows(rng, accreditations, licenses, programs, today)
    definitions, targets, values = kpi_rows(rng, mobility, programs)
    # Own generators, so the quality data never shifts the other datasets' random draws.
    exams, graduates = exam_rows(np.random.default_rng([seed, 5]), programs)
    composition, ratings = staff_rows(np.random.default_rng([seed, 6]))
    surveys = survey_rows(np.random.default_rng([seed, 7]), exams, graduates, composition)
    quality = {
        "exam_results": to_frame("exam_results", exams),
        "graduates": to_frame("graduates", graduates),
        "staff_composition": to_frame("staff_composition", composition),
    }
    values = values + measured_kpi_rows(quality)
    register = {
        "programs": to_frame("programs", programs),
        "accreditations": to_frame("accreditations", accreditations),
    }
    values = snapshot_values(values, register, today)
    return {
        "ranking_results": to_frame("ranking_results", results),
        "ranking_indicator_scores": to_frame("ranking_indicator_scores", indicators),
        "mobility": to_frame("mobility", mobility),
        "agreements": to_frame("agreements", agreements),
        "programs": to_frame("programs", programs),
        "licenses": to_frame("licenses", licenses),
        "accreditations": to_frame("accreditations", accreditations),
        "action_items": to_frame("action_items", actions),
        "kpi_definitions": to_frame("kpi_definitions", definitions),
        "kpi_targets": to_frame("kpi_targets", targets),
        "kpi_values": to_frame("kpi_values", values),
        **quality,
        "staff_rating": to_frame("staff_rating", ratings),
        "survey_results": to_frame("survey_results", surveys),
        "institutions": institutions(),
        "faculties": faculties(),
    }
