"""Field helpers that tie each Pandera column to how the pipeline parses it."""

from collections.abc import Callable
from typing import Any

import pandera.pandas as pa

# How a raw cell is parsed before validation; see pipelines/parsing.py.
KINDS = ("text", "code", "int", "year", "float", "date", "bool", "rank", "academic_year")
# The statistics key of a row check that names the column a failure is reported at.
BLAME = "blame"


def field(
    kind: str,
    *,
    required: bool = False,
    aliases: tuple[str, ...] = (),
    derived: bool = False,
    faculty: str | None = None,
    **checks: Any,
) -> Any:
    """A Pandera Field whose metadata names its parse kind and extra header spellings.

    ``derived`` columns are computed by the pipeline (never typed by a user), so templates
    leave them out. ``aliases`` are header spellings beyond the ky/ru/en labels of the i18n
    catalogs, e.g. the abbreviations that published ranking tables use. ``faculty`` marks a
    column holding a faculty code: ``"code"``, or ``"scope"`` where ``university`` is allowed
    too; once the faculties dataset has rows, every such value must be one of its codes.
    """
    assert kind in KINDS, kind
    return pa.Field(
        nullable=not required,
        metadata={"kind": kind, "aliases": aliases, "derived": derived, "faculty": faculty},
        **checks,
    )


def coded(values: tuple[str, ...], *, required: bool = False, **kw: Any) -> Any:
    """A coded column: stored in English snake_case, shown translated."""
    return field("code", required=required, isin=list(values), **kw)


def row_check(error: str, *, blame: str) -> Callable[[Callable[..., Any]], Any]:
    """A Pandera dataframe check of each row, whose failures ``blame`` one column.

    Pandera reports a failed row check against every column of the row; the upload report
    names one cell, the one the user should look at and fix (an end date before its start
    blames the end date). The column rides in the check's ``statistics``, which Pandera keeps
    on the Check without passing it to the check function; ``Dataset.blamed_columns`` reads it.
    """
    return pa.dataframe_check(error=error, statistics={BLAME: blame})
