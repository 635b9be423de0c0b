"""The demo warehouse: deterministic data for one Kyrgyz university, one module per domain."""

# The package's public face: the builder, ``generate`` and the facts tests and benchmarks
# read (``from pipelines.demo import build_demo`` predates the package). Everything else
# stays in its domain module.

from pipelines.demo.build import LOAD_ORDER, build_demo, foreign_content, make_room
from pipelines.demo.catalogue import ACADEMIC_YEARS, DEFAULT_TODAY, FACULTIES, HOME, PARTNERS
from pipelines.demo.frames import generate
from pipelines.demo.kpis import KPI_DEFINITIONS, KPI_MEASURES, KPI_YEARS
from pipelines.demo.mobility import FACULTY_WEIGHTS, PROGRAM_CATEGORIES, PROGRAM_WEIGHTS, PURPOSES

__all__ = [
    "ACADEMIC_YEARS",
    "DEFAULT_TODAY",
    "FACULTIES",
    "FACULTY_WEIGHTS",
    "HOME",
    "KPI_DEFINITIONS",
    "KPI_MEASURES",
    "KPI_YEARS",
    "LOAD_ORDER",
    "PARTNERS",
    "PROGRAM_CATEGORIES",
    "PROGRAM_WEIGHTS",
    "PURPOSES",
    "build_demo",
    "foreign_content",
    "generate",
    "make_room",
]
