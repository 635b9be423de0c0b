"""The one list of uploadable datasets: model, table, key, references, derived columns, codes."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import pandera.pandas as pa

from schemas.accreditation import Accreditations, ActionItems, Licenses, Programs
from schemas.agreements import Agreements
from schemas.fields import BLAME
from schemas.kpis import KpiDefinitions, KpiTargets, KpiValues
from schemas.mobility import Mobility, derive_duration
from schemas.quality import (
    ExamResults,
    Graduates,
    StaffComposition,
    StaffRating,
    SurveyResults,
)
from schemas.rankings import RankingIndicatorScores, RankingResults
from schemas.reference import (
    Faculties,
    Institutions,
    derive_faculties,
    derive_institutions,
)


@dataclass(frozen=True)
class ColumnSpec:
    """What the pipeline needs to know of one column."""

    name: str
    kind: str
    required: bool
    derived: bool
    codes: tuple[str, ...]
    aliases: tuple[str, ...]
    faculty: str | None = None  # "code" or "scope": holds a faculty code (schemas/fields.py)

    @property
    def coded(self) -> bool:
        """Whether values are codes of an enumeration (schemas/codes.py), shown translated."""
        return self.kind == "code"


@dataclass(frozen=True)
class Dataset:
    """An uploadable dataset and the warehouse table it loads into."""

    name: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    group: str
    # column -> (table, column) that must already hold the value (checked at load); a
    # referenced dataset is therefore loaded first (``load_order``).
    references: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Fills the derived columns of a typed frame (after parsing, before validation). Rank
    # bounds are not here: every "rank" column is split by the parser itself.
    derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    # A boolean column that exactly one row of the whole table holds true once the upload
    # is applied (the one home institution); checked against the warehouse at load.
    exactly_one: str | None = None

    @property
    def faculty_columns(self) -> dict[str, str]:
        """Columns holding faculty codes → "code" or "scope" (also ``university``)."""
        return {c.name: c.faculty for c in self.columns if c.faculty}

    @property
    def depends_on(self) -> set[str]:
        """Tables whose rows this dataset's values name: loaded first, kept while in use."""
        tables = {t for t, _ in self.references.values()}
        if self.faculty_columns and self.table != "faculties":
            tables.add("faculties")
        return tables - {self.table}

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
                    faculty=meta.get("faculty"),
                )
            )
        return tuple(specs)

    @property
    def input_columns(self) -> tuple[ColumnSpec, ...]:
        """Columns a user fills in (the template's columns)."""
        return tuple(c for c in self.columns if not c.derived)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def coded_columns(self) -> tuple[str, ...]:
        """Columns whose values are codes, translated for display."""
        return tuple(c.name for c in self.columns if c.coded)

    @cached_property
    def blamed_columns(self) -> dict[str, str]:
        """Row check error code → the column its failures are reported at (``row_check``).

        A dataframe check declared without a blamed column is left out: its failures keep
        Pandera's column (tests/test_schemas_registry.py makes sure every check declares one).
        """
        return {
            check.error: check.statistics[BLAME]
            for check in self.schema.checks
            if BLAME in (check.statistics or {})
        }


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("faculties", Faculties, (Faculties.code,), "reference", derive=derive_faculties),
        Dataset(
            "institutions",
            Institutions,
            (Institutions.name,),
            "reference",
            derive=derive_institutions,
            exactly_one="is_home",
        ),
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
        Dataset("mobility", Mobility, (Mobility.mobility_id,), "mobility", derive=derive_duration),
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


def load_order(datasets: Iterable[Dataset] | None = None) -> tuple[str, ...]:
    """Dataset names, each after the datasets it references (licences after programmes).

    A stable topological sort: among the datasets whose references are all placed, the
    first in registry order goes next, so the order only moves what it must. References to
    tables that are no dataset (set up by migrations) and to the dataset itself impose no
    order; a cycle cannot be loaded into an empty warehouse and raises ValueError.
    """
    pending = list(DATASETS.values() if datasets is None else datasets)
    by_table = {d.table: d.name for d in pending}
    needs = {d.name: {by_table[t] for t in d.depends_on if t in by_table} for d in pending}
    order: list[str] = []
    while pending:
        ready = next((d for d in pending if needs[d.name] <= set(order)), None)
        if ready is None:
            raise ValueError(f"datasets reference each other: {', '.join(d.name for d in pending)}")
        order.append(ready.name)
        pending.remove(ready)
    return tuple(order)


def coded_columns(datasets: Iterable[Dataset] | None = None) -> tuple[str, ...]:
    """Names of columns that are coded in any dataset, first appearance first.

    By name, not by dataset, because a page's table is a query result that no longer says
    which dataset a column came from. A name coded in one dataset and free text in another
    (``source``) is still looked up: a text with no code label is shown as it is.
    """
    seen: dict[str, None] = {}
    for dataset in DATASETS.values() if datasets is None else datasets:
        seen.update(dict.fromkeys(dataset.coded_columns))
    return tuple(seen)
