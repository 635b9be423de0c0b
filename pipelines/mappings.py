"""Column mappings: files from other systems (e.g. the Erasmus+ export) turned into a dataset.

A mapping is data (``schemas/mappings/<name>.json``): for each target column, a source
column, a constant, or a named transform from the small registry below. ``apply_mapping``
turns the source rows into a grid whose header row holds the dataset's column names and
whose index is still the source file's row numbers, so the ordinary prepare → parse →
validate → load path does the rest. Rows the mapping cannot map are reported as problems
naming the source row, column and value, never dropped silently.

Spec forms of a target column (one key decides the form):

- ``{"source": "Col"}``: the cell text, trimmed;
- ``{"const": "value"}``: the same value on every row;
- ``{"from_set": true, "example": "..."}``: the value must be given on the command line
  (``--set column=value``), because the file does not hold it;
- ``{"transform": "name", ...}``: a registered transform with its own options;
- ``{"by_direction": {"outgoing": spec, "incoming": spec}}``: the partner side depends on
  the row's direction (which the ``direction`` column computes first).

``--set column=value`` overrides any non-identifying column with a constant.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.headers import HEADER_SCAN_ROWS
from pipelines.mapping_transforms import (
    IDENTITY_TRANSFORM,
    TRANSFORMS,
    CellError,
    RowContext,
    RowUnmapped,
    country_code,
)
from pipelines.parsing import (
    PARSERS,
    ParseError,
    clean,
    code_parser,
    is_blank,
    norm_key,
    parse_int,
)
from pipelines.problems import FileRejected, Problem
from pipelines.readers import RawSheet
from sapat.i18n import translate
from schemas.registry import Dataset, get_dataset

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "schemas" / "mappings"
DEFAULT_HOME_COUNTRY = "KG"
_NAME = re.compile(r"^[a-z0-9_]+$")
_SPEC_FORMS = ("source", "const", "from_set", "transform", "by_direction")


class MappingError(FileRejected):
    """The mapping itself (or a --set value) is unusable; nothing in the file was read."""

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if isinstance(params.get("problem"), Problem):
            params["problem"] = params["problem"].message(lang)
        return translate(f"mapping.{self.code}", lang, **params)


# --- loading mapping definitions --------------------------------------------------------
@dataclass(frozen=True)
class Mapping:
    """One mapping definition, checked against its dataset."""

    name: str
    dataset: str
    source_columns: tuple[str, ...]
    columns: dict[str, dict]
    missing_values: tuple[str, ...] = ()
    expand: dict | None = None
    description: str = ""

    @property
    def identity_columns(self) -> tuple[str, ...]:
        return tuple(c for c, s in self.columns.items() if s.get("transform") == IDENTITY_TRANSFORM)

    def required_sources(self) -> set[str]:
        """Source columns the file must have: every one a column spec reads."""
        needed = {s for spec in self.columns.values() for s in spec_sources(spec)}
        if self.expand:
            needed.add(self.expand["source"])
        return needed


def spec_sources(spec: dict) -> list[str]:
    """The source columns one spec reads."""
    if "by_direction" in spec:
        return [s for sub in spec["by_direction"].values() for s in spec_sources(sub)]
    out = [spec[k] for k in ("source", "sending", "receiving") if k in spec]
    out += list(spec.get("sources", ()))
    if spec.get("transform") == "first_positive":
        out += [source for source, _ in spec["rules"]]
    return out


def available_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.json"))


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A mapping by name (``erasmus_plus``) or by the path of a JSON file."""
    text = str(name_or_path)
    if text.endswith(".json") or "/" in text or "\\" in text:
        path = Path(text)
        if not path.is_file():
            raise MappingError("file_not_found", path=text)
        text = path.stem  # the name (part of every id) must not depend on where the file is
    else:
        path = MAPPINGS_DIR / f"{text}.json"
        if not _NAME.match(text) or not path.is_file():
            raise MappingError("unknown", name=text, known=", ".join(available_mappings()))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingError("invalid", name=text, detail=str(exc)[:200]) from None
    return _check(data, name=text)


def _check(data: Any, name: str) -> Mapping:
    def invalid(detail: str) -> MappingError:
        return MappingError("invalid", name=name, detail=detail)

    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise invalid("expected an object with 'dataset', 'source_columns' and 'columns'")
    try:
        dataset = get_dataset(str(data.get("dataset")))
    except KeyError as exc:
        raise invalid(str(exc)) from None
    mapping = Mapping(
        name=str(data.get("name", name)),
        dataset=dataset.name,
        source_columns=tuple(data.get("source_columns", ())),
        columns=dict(data["columns"]),
        missing_values=tuple(data.get("missing_values", ())),
        expand=data.get("expand"),
        description=str(data.get("description", "")),
    )
    known = {c.name: c for c in dataset.columns}
    for target, spec in mapping.columns.items():
        if target not in known or known[target].derived:
            raise invalid(f"{target!r} is not an input column of {dataset.name}")
        _check_spec(spec, target, invalid)
    undeclared = set(mapping.required_sources()) - set(mapping.source_columns)
    if undeclared:
        raise invalid(f"source columns used but not declared: {sorted(undeclared)}")
    if "direction" not in mapping.columns and any(
        "by_direction" in spec for spec in mapping.columns.values()
    ):
        raise invalid("'by_direction' needs a 'direction' column")
    for target, spec in mapping.columns.items():
        codes = known[target].codes
        wrong = [v for v in _spec_outputs(spec) if codes and v is not None and v not in codes]
        if wrong:
            raise invalid(f"{target}: {wrong} not among {list(codes)}")
    return mapping


def _spec_outputs(spec: dict) -> list[Any]:
    """The literal values a spec can write (constants, value maps, rules), to check codes."""
    if "by_direction" in spec:
        return [v for sub in spec["by_direction"].values() for v in _spec_outputs(sub)]
    if "const" in spec:
        return [spec["const"]]
    if "map" in spec:
        return list(spec["map"].values())
    if spec.get("transform") in ("keyword_map", "first_positive"):
        return [value for _, value in spec["rules"]]
    return []


def _check_spec(spec: Any, target: str, invalid: Callable[[str], MappingError]) -> None:
    # A transform names its own inputs ("source", "sources", ...); other forms have one key.
    forms = ("transform",) if isinstance(spec, dict) and "transform" in spec else _SPEC_FORMS
    if not isinstance(spec, dict) or sum(k in spec for k in forms) != 1:
        raise invalid(f"{target}: a spec needs exactly one of {', '.join(_SPEC_FORMS)}")
    if "transform" in spec and spec["transform"] not in TRANSFORMS:
        raise invalid(f"{target}: unknown transform {spec['transform']!r}")
    if "by_direction" in spec:
        for sub in spec["by_direction"].values():
            _check_spec(sub, target, invalid)


# --- applying a mapping -----------------------------------------------------------------
@dataclass
class MappingStats:
    """What the mapping did to the source rows, for the summary."""

    mapping: str
    source_rows: int = 0  # non-blank data rows of the file
    mapped: int = 0  # source rows that became mobilities (perhaps with cell problems)
    expanded: int = 0  # group rows (participants > 1) among them
    mobilities: int = 0  # rows handed to validation, after expanding groups
    unmapped: int = 0  # source rows reported as not mappable


@dataclass
class MappedSheet:
    """The source turned into the dataset's grid, and what could not be mapped."""

    sheet: RawSheet  # header row of dataset column names, rows keyed by source row number
    stats: MappingStats
    header_row: int | None = None
    header_problems: list[Problem] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)  # target column → source header
    source_rows: pd.DataFrame | None = None  # the rows as written, keyed by source header
    problems: list[Problem] = field(default_factory=list)  # final: source column and value
    skip: set[tuple[int, str]] = field(default_factory=set)  # (row, target) already reported


def resolve_settings(
    mapping: Mapping, dataset: Dataset, settings: dict[str, str] | None
) -> dict[str, dict]:
    """The mapping's column specs with ``--set`` constants applied and checked."""
    specs = dict(mapping.columns)
    known = {c.name: c for c in dataset.columns}
    for column, value in (settings or {}).items():
        if column not in known:
            raise MappingError("set_unknown_column", column=column, dataset=dataset.name)
        if known[column].derived or column in mapping.identity_columns:
            raise MappingError("set_not_allowed", column=column)
        text = clean(value)
        if text is not None:
            col = known[column]
            parser = code_parser(col.codes) if col.kind == "code" else PARSERS[col.kind]
            try:
                parser(text)
            except ParseError as exc:
                params = {"codes": col.codes} if exc.code == "not_in_list" else {}
                problem = Problem(exc.code, column=column, params={**params, "column": column})
                raise MappingError(
                    "set_bad_value", column=column, value=text, problem=problem
                ) from None
        specs[column] = {"const": text}
    for column, spec in specs.items():
        if spec.get("from_set"):
            raise MappingError(
                "needs_set", name=mapping.name, column=column, example=spec.get("example", "…")
            )
    missing = [c.name for c in dataset.input_columns if c.required and c.name not in specs]
    if missing:
        raise MappingError(
            "invalid", name=mapping.name, detail=f"required columns not mapped: {missing}"
        )
    return specs


def check_options(
    mapping: Mapping, dataset: Dataset, settings: dict[str, str] | None, home_country: str
) -> tuple[dict[str, dict], str]:
    """The column specs and home country code, or a MappingError before any file is read."""
    if dataset.name != mapping.dataset:
        raise MappingError(
            "wrong_dataset", name=mapping.name, expected=mapping.dataset, dataset=dataset.name
        )
    home = country_code(home_country) or ""
    if not re.fullmatch(r"[A-Z]{2}", home):
        raise MappingError("bad_home_country", value=home_country)
    return resolve_settings(mapping, dataset, settings), home


def _find_header(raw: RawSheet, mapping: Mapping) -> tuple[int | None, dict[str, tuple[int, str]]]:
    """The row (among the first 30) naming the most source columns; canonical → (pos, text)."""
    lookup = {norm_key(c): c for c in mapping.source_columns}
    best_row, best_hits = None, 0
    for row_no, values in raw.grid.head(HEADER_SCAN_ROWS).iterrows():
        hits = sum(1 for v in values if (t := clean(v)) and norm_key(t) in lookup)
        if hits > best_hits:
            best_row, best_hits = int(row_no), hits
    found: dict[str, tuple[int, str]] = {}
    if best_row is not None:
        for pos, value in raw.grid.loc[best_row].items():
            text = clean(value)
            if text and norm_key(text) in lookup:
                found.setdefault(lookup[norm_key(text)], (int(pos), text))
    return best_row, found


def _canonical_number(text: str | None) -> str:
    """The same number the same way whether a csv or a workbook held it (12 and 12.0)."""
    if text is None:
        return ""
    return re.sub(r"^([+-]?\d+)\.0+$", r"\1", text)


def apply_mapping(
    raw: RawSheet,
    mapping: Mapping | str,
    dataset: Dataset | None = None,
    *,
    settings: dict[str, str] | None = None,
    home_country: str = DEFAULT_HOME_COUNTRY,
) -> MappedSheet:
    """Map the source rows of ``raw`` to the mapping's dataset (see the module docstring)."""
    if isinstance(mapping, str):
        mapping = load_mapping(mapping)
    dataset = dataset or get_dataset(mapping.dataset)
    specs, home = check_options(mapping, dataset, settings, home_country)
    stats = MappingStats(mapping.name)
    header_row, found = _find_header(raw, mapping)
    empty = RawSheet(pd.DataFrame(), raw.sheet, notices=list(raw.notices))
    if header_row is None:
        expected = ", ".join(sorted(mapping.required_sources()))
        problem = Problem("no_header", sheet=raw.sheet, params={"expected": expected})
        return MappedSheet(empty, stats, header_problems=[problem])
    header_problems = [
        Problem("missing_column", row=header_row, column=c, sheet=raw.sheet, params={"column": c})
        for c in sorted(mapping.required_sources() - set(found))
    ]
    header_problems += [
        Problem("merged_header", row=header_row, sheet=raw.sheet, value=ref, params={"range": ref})
        for ref, first, last in raw.merged
        if first <= header_row <= last
    ]
    if header_problems:
        return MappedSheet(empty, stats, header_row=header_row, header_problems=header_problems)

    body = raw.grid.loc[header_row + 1 :]
    body = body[~body.apply(is_blank).all(axis=1)]
    # Every headed column, as written, is kept for rejected_rows; the mapping reads its own.
    headed = {int(pos): text for pos, v in raw.grid.loc[header_row].items() if (text := clean(v))}
    written_src = {c: text for c, (_, text) in found.items()}
    targets = [c.name for c in dataset.columns if c.name in specs]
    rows = _map_rows(body, mapping, specs, targets, found, home, raw.sheet)
    grid = pd.DataFrame(
        [targets, *rows.out_rows], index=[header_row, *rows.out_index], dtype=object
    )
    grid.columns = range(grid.shape[1])
    return MappedSheet(
        RawSheet(grid, raw.sheet, notices=list(raw.notices)),
        rows.stats,
        header_row=header_row,
        written=_written(specs, targets, written_src),
        source_rows=body[list(headed)].rename(columns=headed),
        problems=rows.problems,
        skip=rows.skip,
    )


def _written(specs: dict[str, dict], targets: list[str], written_src: dict[str, str]) -> dict:
    """Target column → the source header its problems are reported under."""
    written = {}
    for target in targets:
        spec = specs[target]
        sources = [] if "by_direction" in spec else spec_sources(spec)
        primary = spec.get("report") or (sources[0] if sources else None)
        if primary in written_src:
            written[target] = written_src[primary]
    return written


@dataclass
class _Rows:
    stats: MappingStats
    out_rows: list[list[str | None]] = field(default_factory=list)
    out_index: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skip: set[tuple[int, str]] = field(default_factory=set)


def _column_texts(series: pd.Series, missing: set[str]) -> tuple[list, list, list]:
    """Per row: the trimmed text, the text with "missing" spellings blanked, the id text.

    Each distinct cell is cleaned once (a 28,000-row column has a few dozen values).
    """
    positions, uniques = pd.factorize(series)
    cleaned = [clean(u) for u in uniques] + [None]  # position -1 (blank) picks the None
    values = [None if t is not None and norm_key(t) in missing else t for t in cleaned]
    ids = [_canonical_number(t) for t in cleaned]
    return (
        [cleaned[k] for k in positions],
        [values[k] for k in positions],
        [ids[k] for k in positions],
    )


def _map_rows(
    body: pd.DataFrame,
    mapping: Mapping,
    specs: dict[str, dict],
    targets: list[str],
    found: dict[str, tuple[int, str]],
    home: str,
    sheet: str | None,
) -> _Rows:
    """Each source row → its output rows (several for a group), or a reported problem."""
    out = _Rows(MappingStats(mapping.name))
    canonical = [c for c in mapping.source_columns if c in found]
    missing = {norm_key(v) for v in mapping.missing_values}
    texts = {c: _column_texts(body[found[c][0]], missing) for c in canonical}
    order = [t for t in ["direction", *targets] if t in specs]
    order = [t for t in dict.fromkeys(order) if specs[t].get("transform") != IDENTITY_TRANSFORM]
    identities = [t for t in targets if specs[t].get("transform") == IDENTITY_TRANSFORM]
    seen: dict[tuple[str, ...], int] = {}
    memo: dict[tuple, str | None] = {}

    def report(err: CellError, row: int, text: str | None) -> None:
        column = found[err.source][1] if err.source in found else err.source
        out.problems.append(
            Problem(err.code, row, column, text, sheet, {**err.params, "column": column})
        )

    for i, row_no in enumerate(int(r) for r in body.index):
        out.stats.source_rows += 1
        as_written = {c: texts[c][0][i] for c in canonical}
        ctx = RowContext({c: texts[c][1][i] for c in canonical}, home)
        key = tuple(texts[c][2][i] for c in canonical)
        seen[key] = occurrence = seen.get(key, 0) + 1
        produced: dict[str, str | None] = {}
        try:
            for target in order:
                try:
                    produced[target] = _evaluate(specs[target], ctx, memo)
                except RowUnmapped:
                    raise
                except CellError as err:
                    produced[target] = None
                    out.skip.add((row_no, target))
                    report(err, row_no, as_written.get(err.source))
                if target == "direction":
                    ctx.direction = produced[target]
        except RowUnmapped as err:
            out.stats.unmapped += 1
            column = found[err.source][1] if err.source in found else err.source
            value = f"{err.params['sending']} → {err.params['receiving']}"
            out.problems.append(Problem(err.code, row_no, column, value, sheet, err.params))
            continue
        copies = 1
        if mapping.expand:
            try:
                copies = _copies(mapping.expand, ctx.values)
            except CellError as err:
                report(err, row_no, as_written.get(err.source))
        out.stats.mapped += 1
        out.stats.expanded += copies > 1
        identity = hashlib.sha1(
            "\x1f".join([mapping.name, *key, str(occurrence)]).encode("utf-8")
        ).hexdigest()
        for copy in range(1, copies + 1):
            for target in identities:
                produced[target] = _identity(specs[target], identity, copy, copies)
            out.out_rows.append([produced.get(t) for t in targets])
            out.out_index.append(row_no)
    out.stats.mobilities = len(out.out_rows)
    return out


def _evaluate(spec: dict, ctx: RowContext, memo: dict) -> str | None:
    if "const" in spec:
        return spec["const"]
    if "by_direction" in spec:
        sub = spec["by_direction"].get(ctx.direction or "")
        return None if sub is None else _evaluate(sub, ctx, memo)
    if "transform" not in spec:
        return ctx.values.get(spec["source"])
    # Transforms are pure in their sources, home country and direction: each distinct
    # combination is computed once. Errors are not kept: they are few and cheap.
    sources = memo.get(("sources", id(spec)))
    if sources is None:
        sources = memo[("sources", id(spec))] = tuple(spec_sources(spec))
    key = (id(spec), ctx.direction, ctx.home, *(ctx.values.get(s) for s in sources))
    if key not in memo:
        memo[key] = TRANSFORMS[spec["transform"]](spec, ctx)
    return memo[key]


def _copies(expand: dict, values: dict[str, str | None]) -> int:
    """How many mobilities a group row stands for; a bad count is reported, the row kept once."""
    source = expand["source"]
    text = values.get(source)
    if text is None:
        return 1
    limit = int(expand.get("max", 500))
    try:
        count = parse_int(text)
    except ParseError:
        count = 0
    if not 1 <= count <= limit:
        raise CellError("bad_participants", source, limit=limit)
    return count


def _identity(spec: dict, identity: str, copy: int, copies: int) -> str:
    """A short, stable, pseudonymous id: never a name, the same on every re-import."""
    salt = spec.get("salt", "")
    digest = (
        hashlib.sha1(f"{salt}\x1f{identity}".encode()).hexdigest()[:12] if salt else identity[:12]
    )
    suffix = f"-{copy}" if copies > 1 else ""
    return f"{spec.get('prefix', 'X')}-{digest}{suffix}"


def parse_settings(items: list[str] | None) -> dict[str, str]:
    """``["academic_year=2012-2013", ...]`` → a dict; a malformed item is a MappingError."""
    out: dict[str, str] = {}
    for item in items or ():
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise MappingError("bad_set", item=item)
        out[column.strip()] = value.strip()
    return out


def merge_problems(mapped: MappedSheet, finished: list[Problem]) -> list[Problem]:
    """The pipeline's problems plus the mapping's, each once (group copies repeat them)."""
    seen: set[tuple] = set()
    out = []
    for p in [*finished, *mapped.problems]:
        key = (p.code, p.row, p.column, p.value, p.sheet)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.row or 0, p.column or ""))
