"""Names that mean one thing: one alias per query module, test files named after their module."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# The one alias of each sapat.queries module (CONTRIBUTING.md, Conventions), so that `aq` can
# never be accreditation in one file and agreements in the next.
QUERY_ALIASES = {
    "accreditation": "acq",
    "agency_data": "adq",
    "agreements": "agq",
    "faculties": "fq",
    "kpis": "kq",
    "measures": "msq",
    "mobility": "mq",
    "overview": "oq",
    "provenance": "pvq",
    "quality": "qq",
    "rankings": "rq",
    "staff": "sq",
    "surveys": "svq",
    "uploads": "uq",
}
CHECKED = ("pages", "sapat", "tests", "benchmarks")
# Files other engineers were reworking when these rules came in, with what each still lacks.
# An entry goes once its file keeps the rules (the last test here says when).
NOT_YET: dict[str, str] = {}
# Test files that are not named after one module (CONTRIBUTING.md, Tests).
TOPIC_PREFIXES = ("test_page_", "test_browser_", "test_adversarial_")
TOPIC_FILES = ("test_pages.py", "test_conventions.py", "test_consistency.py")


def _python_files() -> list[Path]:
    return sorted(p for d in CHECKED for p in (ROOT / d).rglob("*.py") if ".venv" not in p.parts)


def _query_imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name bound) of every import of a sapat.queries module in ``path``."""
    found = []
    in_queries = path.parent == ROOT / "sapat" / "queries"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and (
            (node.module == "sapat.queries" and node.level == 0)
            or (in_queries and node.module is None and node.level == 1)
        ):
            found += [(node.lineno, a.name, a.asname or a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            # `import sapat.queries.x` binds `sapat`, never the alias: refused unless aliased.
            found += [
                (node.lineno, a.name.removeprefix("sapat.queries."), a.asname)
                for a in node.names
                if a.name.startswith("sapat.queries.")
            ]
    return found


def _module_of(stem: str) -> Path | None:
    """The module a test file's name points at: its dotted path without `sapat.`, dots as
    underscores, then an aspect only beside the module's own file (test_queries_mobility_flags
    beside test_queries_mobility.py)."""
    words = stem.removeprefix("test_").split("_")

    def find(base: Path, rest: list[str]) -> tuple[Path, int] | None:
        """The module ``rest`` starts with under ``base``, and how many words name it."""
        for n in range(len(rest), 0, -1):
            name = "_".join(rest[:n])
            for hit in (base / f"{name}.py", base / name / "__init__.py"):
                if hit.exists():
                    deeper = find(hit.parent, rest[n:]) if hit.name == "__init__.py" else None
                    return (deeper[0], n + deeper[1]) if deeper else (hit, n)
        return None

    found = find(ROOT / "sapat", words) or find(ROOT, words)
    if found is None:
        return None
    module, used = found
    own = ROOT / "tests" / f"test_{'_'.join(words[:used])}.py"
    return module if used == len(words) or own.exists() else None


def test_every_query_module_has_one_alias():
    modules = {p.stem for p in (ROOT / "sapat" / "queries").glob("*.py") if p.stem != "__init__"}
    assert modules == set(QUERY_ALIASES), "add the new query module to QUERY_ALIASES"
    assert len(set(QUERY_ALIASES.values())) == len(QUERY_ALIASES)


def test_query_modules_are_imported_under_their_alias():
    wrong = []
    for path in _python_files():
        name = str(path.relative_to(ROOT))
        if name in NOT_YET:
            continue
        for line, module, bound in _query_imports(path):
            if module in QUERY_ALIASES and bound != QUERY_ALIASES[module]:
                wrong.append(f"{name}:{line}: import {module} as {QUERY_ALIASES[module]}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_alias(tmp_path):
    module = tmp_path / "page.py"
    module.write_text(
        "from sapat.queries import accreditation as aq, rankings as rq\n"
        "import sapat.queries.mobility\n"
        "def f():\n    from sapat.queries import overview\n"
    )
    assert _query_imports(module) == [
        (1, "accreditation", "aq"),
        (1, "rankings", "rq"),
        (2, "mobility", None),
        (4, "overview", "overview"),
    ]


def test_test_files_are_named_after_what_they_test():
    unnamed = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        name = f"tests/{path.name}"
        if name in NOT_YET or path.name in TOPIC_FILES:
            continue
        if path.name.startswith("test_page_"):
            page = path.stem.removeprefix("test_page_")
            ok = (ROOT / "pages" / f"{page}.py").exists()
        elif path.name.startswith(TOPIC_PREFIXES):
            ok = True
        else:
            ok = _module_of(path.stem) is not None
        if not ok:
            unnamed.append(name)
    assert not unnamed, unnamed


def test_not_yet_lists_only_files_that_still_break_a_rule():
    kept = []
    for name, todo in NOT_YET.items():
        path = ROOT / name
        if not path.exists():
            kept.append(f"{name} is gone: drop it from NOT_YET ({todo})")
            continue
        aliases_ok = all(
            bound == QUERY_ALIASES.get(module, bound) for _, module, bound in _query_imports(path)
        )
        named_ok = (
            not name.startswith("tests/")
            or path.name.startswith(TOPIC_PREFIXES)
            or _module_of(path.stem) is not None
        )
        if aliases_ok and named_ok:
            kept.append(f"{name} keeps the rules now: drop it from NOT_YET")
    assert not kept, kept


def _calls(path: Path, names: tuple[str, ...]) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in names
    ]


def test_no_widget_shows_streamlits_english_placeholder():
    """A multiselect, or a selectbox with nothing chosen, says "Choose an option(s)" in
    English on a Kyrgyz screen unless it is given a placeholder in the user's language."""
    missing = []
    for path in _python_files():
        if path.parts[len(ROOT.parts)] not in ("pages", "sapat"):
            continue
        for call in _calls(path, ("multiselect", "selectbox")):
            words = {k.arg: k.value for k in call.keywords}
            empty = isinstance(words.get("index"), ast.Constant) and words["index"].value is None
            if (call.func.attr == "multiselect" or empty) and "placeholder" not in words:
                missing.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not missing, f"give these a placeholder: {missing}"
