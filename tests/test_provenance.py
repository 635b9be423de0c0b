"""Declarations cannot drift: each query reads exactly the datasets its @reads names."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from sapat.provenance import Source, source_of
from sapat.queries import measures as msq
from schemas.registry import DATASETS
from tests.conftest import ROOT

QUERY_MODULES = sorted(
    p.stem for p in (ROOT / "sapat" / "queries").glob("*.py") if p.stem != "__init__"
)
# Tables of datasets; reference and system tables (ranking_systems, upload_batches, users,
# kpi_measures …) are no dataset and are never declared.
TABLES = {spec.table: name for name, spec in DATASETS.items()}
_READ = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_]+)\b", re.IGNORECASE)
# A CTE of the same name as a table (agreements' `faculties AS (…)`) is not that table.
_CTE = re.compile(r"\b([a-z_]+)\s+AS\s+(?:MATERIALIZED\s+)?\(", re.IGNORECASE)
# Query functions whose datasets follow from an argument (a measure's name): their Source
# is msq.source(name), checked below against the measures' own SQL.
BY_MEASURE = {"measures.values", "measures.latest"}
# Writes (a KPI's link to a measure): no figure comes from them.
WRITES = {"kpis.link", "kpis.unlink"}
# Public functions of query modules that take a connection yet read no dataset: system
# tables only (kpi_measures, upload_batches, the audit log), or the provenance lookup itself.
NO_DATASET = {
    "kpis.linked_measures",
    "provenance.dataset_sources",
    "rankings.methodology",  # ranking_methodology: reference data of the ranking systems
    *(f"uploads.{n}" for n in ("batches", "batch", "rejected_rows", "audit_log", "audit_actions")),
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"sapat.queries.{name}")


def _query_functions() -> list[tuple[str, Callable[..., Any]]]:
    """Every public function of a query module whose first parameter is a connection."""
    found = []
    for name in QUERY_MODULES:
        module = _module(name)
        for attr, fn in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "conn":
                found.append((f"{name}.{attr}", fn))
    return found


def _code(fn: Callable[..., Any]) -> tuple[str, ast.AST]:
    """A function's source without its docstring (prose may name a table it does not read)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body.pop(0)
    return ast.unparse(tree), tree


def _resolve(node: ast.AST, module: ModuleType, local: dict[str, ModuleType]) -> Any:
    """What a name or ``alias.name`` of a function's code stands for, else None."""
    if isinstance(node, ast.Name):
        return vars(module).get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = local.get(node.value.id) or vars(module).get(node.value.id)
        if isinstance(owner, ModuleType) and owner.__name__.startswith("sapat."):
            return vars(owner).get(node.attr)
    return None


def read_tables(fn: Callable[..., Any], seen: set | None = None) -> set[str]:
    """The datasets ``fn``'s SQL reads: FROM/JOIN in its own code, in the SQL constants and
    undeclared helpers it uses (followed into other sapat modules), and the declarations of
    the declared query functions it calls."""
    seen = set() if seen is None else seen
    if fn in seen:
        return set()
    seen.add(fn)
    module = inspect.getmodule(fn)
    text, tree = _code(fn)
    texts = [text]
    found: set[str] = set()
    # Modules a function imports itself (overview's alerts import the other query modules).
    local = {
        a.asname or a.name: importlib.import_module(f"{n.module}.{a.name}")
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module == "sapat.queries"
        for a in n.names
    }
    for node in ast.walk(tree):
        used = _resolve(node, module, local)
        if used is None or used is fn:
            continue
        if isinstance(used, str):
            texts.append(used)
        elif inspect.isfunction(used) and used.__module__.startswith("sapat."):
            declared = source_of(used)
            if declared is not None:
                found |= set(declared.datasets)
            else:
                found |= read_tables(used, seen)
    ctes = {name for chunk in texts for name in _CTE.findall(chunk)}
    for chunk in texts:
        found |= {TABLES[t] for t in _READ.findall(chunk) if t in TABLES and t not in ctes}
    return found


def _paged_queries() -> set[str]:
    """Query functions the pages run through web.query(alias.fn, …)."""
    aliases = {"acq", "adq", "agq", "fq", "kq", "msq", "mq", "oq", "pvq", "qq", "rq", "sq"}
    aliases |= {"svq", "uq"}
    used = set()
    for path in sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            a.asname: a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module == "sapat.queries"
            for a in n.names
            if a.asname in aliases
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            first = node.args[0]
            if name == "query" and isinstance(first, ast.Attribute):
                alias = getattr(first.value, "id", None)
                if alias in imported:
                    used.add(f"{imported[alias]}.{first.attr}")
    return used


def test_every_query_function_is_declared_or_reads_no_dataset():
    undeclared = [
        name
        for name, fn in _query_functions()
        if source_of(fn) is None and name not in NO_DATASET | BY_MEASURE | WRITES
    ]
    assert not undeclared, f"add @reads(...) to {undeclared}"
    reading = [n for n, fn in _query_functions() if n in NO_DATASET and read_tables(fn)]
    assert not reading, f"these read datasets: declare them with @reads(...): {reading}"


def test_every_query_of_a_page_is_declared():
    paged = _paged_queries()
    assert len(paged) > 40  # the walk found the pages' queries
    missing = sorted(n for n in paged - BY_MEASURE if source_of(_functions()[n]) is None)
    assert not missing, missing


def _functions() -> dict[str, Callable[..., Any]]:
    return dict(_query_functions())


@pytest.mark.parametrize(
    "name", sorted(n for n, fn in _query_functions() if source_of(fn) is not None)
)
def test_a_declaration_names_exactly_the_datasets_its_sql_reads(name):
    fn = _functions()[name]
    declared = set(source_of(fn).datasets)
    read = read_tables(fn)  # its own declaration is not read, only its code
    assert declared == read, f"{name}: declared {sorted(declared)}, its SQL reads {sorted(read)}"


@pytest.mark.parametrize("name", sorted(msq.MEASURES))
def test_a_measure_names_the_datasets_it_reads(name):
    m = msq.MEASURES[name]
    text = f"FROM {m.table} WHERE {m.where}"
    read = {TABLES[t] for t in _READ.findall(text) if t in TABLES}
    source = msq.source(name)
    assert isinstance(source, Source) and source.measure == name
    assert set(source.datasets) == read and read


def test_the_check_sees_a_table_the_declaration_forgot():
    def stale(conn):
        """Reads FROM programs, says the docstring (ignored)."""
        return conn.execute("SELECT * FROM mobility m JOIN agreements a USING (x)")

    assert read_tables(stale) == {"mobility", "agreements"}
