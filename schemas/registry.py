"""Registry of uploadable datasets: model, target table, natural key and header synonyms."""

from dataclasses import dataclass, field
from functools import cached_property

import pandera.pandas as pa

from schemas.accreditation import Accreditations, ActionItems, Licenses, Programs
from schemas.agreements import Agreements
from schemas.kpis import KpiDefinitions, KpiTargets, KpiValues
from schemas.mobility import Mobility
from schemas.quality import (
    ExamResults,
    Graduates,
    StaffComposition,
    StaffRating,
    SurveyResults,
)
from schemas.rankings import RankingIndicatorScores, RankingResults


@dataclass(frozen=True)
class ColumnSpec:
    """What the pipeline needs to know of one column."""

    name: str
    kind: str
    required: bool
    derived: bool
    codes: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """An uploadable dataset and the warehouse table it loads into."""

    name: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    group: str
    # column -> (table, column) that must already hold the value (checked at load).
    references: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.name

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        return self.model.to_schema()

    @cached_property
    def columns(self) -> tuple[ColumnSpec, ...]:
        specs = []
        for name, col in self.schema.columns.items():
            meta = col.metadata or {}
            isin = next((c for c in col.checks if c.name == "isin"), None)
            allowed = tuple(isin.statistics["allowed_values"]) if isin is not None else ()
            specs.append(
                ColumnSpec(
                    name=name,
                    kind=meta["kind"],
                    required=not col.nullable,
                    derived=meta.get("derived", False),
                    codes=allowed,
                    aliases=tuple(meta.get("aliases", ())),
                )
            )
        return tuple(specs)

    @property
    def input_columns(self) -> tuple[ColumnSpec, ...]:
        """Columns a user fills in (the template's columns)."""
        return tuple(c for c in self.columns if not c.derived)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "ranking_results",
            RankingResults,
            (RankingResults.ranking, RankingResults.year, RankingResults.institution),
            "rankings",
        ),
        Dataset(
            "ranking_indicator_scores",
            RankingIndicatorScores,
            (
                RankingIndicatorScores.ranking,
                RankingIndicatorScores.year,
                RankingIndicatorScores.institution,
                RankingIndicatorScores.indicator,
            ),
            "rankings",
        ),
        Dataset("mobility", Mobility, (Mobility.mobility_id,), "mobility"),
        Dataset("agreements", Agreements, (Agreements.agreement_id,), "mobility"),
        Dataset("programs", Programs, (Programs.program_code,), "accreditation"),
        Dataset(
            "licenses",
            Licenses,
            (Licenses.license_no,),
            "accreditation",
            references={Licenses.program_code: ("programs", "program_code")},
        ),
        Dataset(
            "accreditations",
            Accreditations,
            (Accreditations.accreditation_id,),
            "accreditation",
            references={Accreditations.program_code: ("programs", "program_code")},
        ),
        Dataset("action_items", ActionItems, (ActionItems.item_id,), "accreditation"),
        Dataset("kpi_definitions", KpiDefinitions, (KpiDefinitions.code,), "kpis"),
        Dataset(
            "kpi_targets",
            KpiTargets,
            (KpiTargets.code, KpiTargets.year, KpiTargets.unit_scope),
            "kpis",
            references={KpiTargets.code: ("kpi_definitions", "code")},
        ),
        Dataset(
            "kpi_values",
            KpiValues,
            (KpiValues.code, KpiValues.year, KpiValues.unit_scope),
            "kpis",
            references={KpiValues.code: ("kpi_definitions", "code")},
        ),
        Dataset(
            "exam_results",
            ExamResults,
            (
                ExamResults.academic_year,
                ExamResults.semester,
                ExamResults.program_code,
                ExamResults.course_year,
                ExamResults.session_type,
            ),
            "quality",
            references={ExamResults.program_code: ("programs", "program_code")},
        ),
        Dataset(
            "graduates",
            Graduates,
            (Graduates.academic_year, Graduates.program_code),
            "quality",
            references={Graduates.program_code: ("programs", "program_code")},
        ),
        Dataset(
            "staff_composition",
            StaffComposition,
            (StaffComposition.year, StaffComposition.faculty, StaffComposition.department),
            "quality",
        ),
        Dataset("staff_rating", StaffRating, (StaffRating.year, StaffRating.staff_code), "quality"),
        Dataset(
            "survey_results",
            SurveyResults,
            (
                SurveyResults.survey_code,
                SurveyResults.academic_year,
                SurveyResults.respondent_group,
                # Blank for a university-wide question: the loader matches keys null-safely.
                SurveyResults.faculty,
                SurveyResults.question_code,
            ),
            "quality",
        ),
    )
}


def get_dataset(name: str) -> Dataset:
    """The dataset called ``name``; KeyError names the known ones."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None
