"""Command line over the same functions the upload page uses: python -m pipelines ..."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from pipelines.accounts_cli import add_kpis_parser, add_users_parser
from pipelines.cli_common import EXIT_FILE, EXIT_OK, EXIT_REJECTED, MAX_LISTED, _lang, _open, _user
from pipelines.ingest import IngestReport, ingest_bytes
from pipelines.loader import LoadResult, RollbackRefused, rollback
from pipelines.mappings import (
    DEFAULT_HOME_COUNTRY,
    MappingError,
    check_options,
    load_mapping,
    parse_settings,
)
from pipelines.problems import FileRejected, Problem
from pipelines.ranking_layouts import propose
from pipelines.ranking_tables import RankingImport, import_ranking_table, read_ranking_file
from pipelines.setup_cli import add_setup_parsers
from pipelines.template import template_bytes
from sapat import db
from sapat.i18n import LANGUAGES, code_label, translate
from sapat.report.spec import SECTIONS
from schemas.codes import RANKINGS
from schemas.registry import DATASETS, get_dataset


def format_problem(p: Problem, lang: str) -> str:
    where = []
    if p.sheet:
        where.append(f"[{p.sheet}]")
    if p.row is not None:
        where.append(translate("cli.row", lang, row=p.row))
    if p.column:
        where.append(f"«{p.column}»")
    value = f'"{p.value}" ' if p.value not in (None, "") else ""
    return translate(
        "cli.problem_line", lang, where=" ".join(where) or "—", value=value, message=p.message(lang)
    )


def print_batch(dataset: str, file_name: str, result: LoadResult, rows_in: int, lang: str) -> None:
    """The two summary lines of one loaded (or rejected) batch."""
    name = translate(f"dataset.{dataset}", lang)
    print(
        translate(
            "cli.summary",
            lang,
            dataset=name,
            file=file_name,
            rows_in=rows_in,
            loaded=result.rows_loaded,
            rejected=result.rows_rejected,
        )
    )
    print(
        translate(
            "cli.batch",
            lang,
            batch_id=result.batch_id,
            status=code_label(result.status, lang),
            new=result.rows_new,
            changed=result.rows_changed,
            unchanged=result.rows_unchanged,
        )
    )


def print_report(report: IngestReport, lang: str, show_all: bool) -> None:
    name = translate(f"dataset.{report.dataset}", lang)
    for notice in report.notices:
        print(notice.message(lang))
    if report.mapping is not None:
        m = report.mapping
        print(
            translate(
                "mapping.summary",
                lang,
                mapping=m.mapping,
                source_rows=m.source_rows,
                mapped=m.mapped,
                mobilities=m.mobilities,
                expanded=m.expanded,
                unmapped=m.unmapped,
            )
        )
    if report.result is None:
        key = "cli.check_bad" if report.problems else "cli.check_ok"
        print(
            translate(
                key,
                lang,
                dataset=name,
                file=report.file_name,
                rows=report.rows_in,
                bad=report.bad_rows,
            )
        )
    else:
        print_batch(report.dataset, report.file_name, report.result, report.result.rows_in, lang)
    if report.problems:
        print(translate("cli.problems", lang, count=len(report.problems)))
        shown = report.problems if show_all else report.problems[:MAX_LISTED]
        for p in shown:
            print("  " + format_problem(p, lang))
        if len(shown) < len(report.problems):
            print(
                "  " + translate("cli.more_problems", lang, count=len(report.problems) - len(shown))
            )


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise FileRejected("not_found", path=path) from None


def _mapping_args(args: argparse.Namespace) -> dict:
    """--mapping, --set and --home-country as ingest_bytes keywords; checked before reading."""
    settings = parse_settings(args.set)
    if args.mapping is None:
        if settings:
            raise MappingError("set_needs_mapping")
        return {}
    mapping = load_mapping(args.mapping)
    # A wrong --set or --home-country is said before the file or the warehouse is opened.
    check_options(mapping, get_dataset(args.dataset), settings, args.home_country)
    return {"mapping": mapping, "settings": settings, "home_country": args.home_country}


def ingest_files(paths: list[str]) -> list[Path]:
    """The files named, a folder standing for its xlsx and csv files in name order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".xlsx", ".csv") and p.is_file()
            )
        else:
            found.append(path)
    return found


def cmd_ingest(args: argparse.Namespace) -> int:
    """Load one file or many (each its own batch, all or nothing in strict mode)."""
    lang = _lang(args)
    mapping = _mapping_args(args)
    files = ingest_files(args.file)
    if not files:
        raise FileRejected("not_found", path=", ".join(args.file))
    conn = _open(args, lang)
    outcomes: list[tuple[str, int, IngestReport | None]] = []
    for path in files:
        if len(files) > 1:
            print(f"== {path.name}")
        try:
            report = ingest_bytes(
                conn,
                args.dataset,
                path.name,
                _read(str(path)),
                mode=args.mode.replace("-", "_"),
                sheet=args.sheet,
                user=_user(),
                lang=lang,
                **mapping,
            )
        except FileRejected as exc:  # one unreadable file does not stop the others
            print(exc.message(lang), file=sys.stderr)
            outcomes.append((path.name, EXIT_FILE, None))
            continue
        print_report(report, lang, args.all)
        outcomes.append((path.name, EXIT_OK if report.loaded else EXIT_REJECTED, report))
    if len(files) > 1:
        print_ingest_summary(outcomes, lang)
    return max(code for _, code, _ in outcomes)


def print_ingest_summary(outcomes: list[tuple[str, int, IngestReport | None]], lang: str) -> None:
    """One line per file: its batch, status and counts; unreadable files say so."""
    header = [
        translate(f"cli.files_{c}", lang) for c in ("file", "batch", "status", "in", "loaded")
    ]
    rows = [header]
    for name, _, report in outcomes:
        result = report.result if report is not None else None
        if result is None:
            status = translate("cli.files_unreadable", lang) if report is None else "—"
            rows.append([name, "—", status, "—", "—"])
        else:
            rows.append(
                [
                    name,
                    str(result.batch_id),
                    code_label(result.status, lang),
                    str(result.rows_in),
                    str(result.rows_loaded),
                ]
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    print()
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def print_ranking_report(report: RankingImport, lang: str, show_all: bool) -> None:
    for notice in report.notices:
        print(notice.message(lang))
    batches = [
        ("ranking_results", report.results, report.rows_in),
        ("ranking_indicator_scores", report.indicators, report.indicators_in),
    ]
    for dataset, result, rows_in in batches:
        if result is None:
            continue
        print_batch(dataset, report.file_name, result, rows_in, lang)
    if report.proposals:
        print(translate("rankings_import.cli_proposals", lang, count=len(report.proposals)))
        for p in report.proposals.values():
            where = ", ".join(x for x in (p.published_country, p.published_city) if x) or "—"
            known_where = ", ".join(x for x in (p.known_country, p.known_city) if x) or "—"
            print(
                "  "
                + translate(
                    "rankings_import.cli_proposal",
                    lang,
                    published=p.published,
                    where=where,
                    known=p.known,
                    known_where=known_where,
                    similarity=round(p.similarity * 100),
                    lines=", ".join(str(r) for r in p.rows[:5]) + (" …" if len(p.rows) > 5 else ""),
                )
            )
            key = "cli_alias_accepted" if p.accepted else "cli_alias_rejected"
            print(
                "    "
                + translate(f"rankings_import.{key}", lang, published=p.published, known=p.known)
            )
    if report.problems:
        print(translate("cli.problems", lang, count=len(report.problems)))
        shown = report.problems if show_all else report.problems[:MAX_LISTED]
        for p in shown:
            print("  " + format_problem(p, lang))
        if len(shown) < len(report.problems):
            print(
                "  " + translate("cli.more_problems", lang, count=len(report.problems) - len(shown))
            )


def cmd_ingest_ranking(args: argparse.Namespace) -> int:
    lang = _lang(args)
    data = _read(args.file)
    name = Path(args.file).name
    ranking = args.ranking
    if ranking is None:
        # Without --ranking, the system the file's columns (or its name) show is used, and said.
        proposal = propose(read_ranking_file(name, data), name)
        if proposal.ranking is None:
            print(translate("rankings_import.cli_ranking_needed", lang), file=sys.stderr)
            return EXIT_REJECTED
        ranking = proposal.ranking
        evidence = proposal.evidence or name
        print(
            translate(
                "rankings_import.cli_ranking_proposed", lang, ranking=ranking, evidence=evidence
            )
        )
    conn = _open(args, lang)
    report = import_ranking_table(
        conn,
        name,
        data,
        ranking=ranking,
        year=args.year,
        mode=args.mode.replace("-", "_"),
        user=_user(),
        lang=lang,
        accept=args.accept_alias or [],
    )
    print_ranking_report(report, lang, args.all)
    return EXIT_OK if report.loaded else EXIT_REJECTED


def cmd_check(args: argparse.Namespace) -> int:
    lang = _lang(args)
    mapping = _mapping_args(args)
    data = _read(args.file)
    conn = None
    path = db.resolve_db_path(args.db)
    if path.exists():
        # References (e.g. a licence's programme) are checked against the warehouse when
        # it can be read; a running dashboard holding it only means they are skipped.
        try:
            conn = duckdb.connect(str(path), read_only=True)
        except duckdb.Error:
            conn = None
    report = ingest_bytes(
        conn,
        args.dataset,
        Path(args.file).name,
        data,
        sheet=args.sheet,
        lang=lang,
        check_only=True,
        **mapping,
    )
    print_report(report, lang, args.all)
    return EXIT_REJECTED if report.problems else EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    lang = args.lang or "ky"
    out = Path(args.out or f"{args.dataset}_{lang}.xlsx")
    out.write_bytes(template_bytes(args.dataset, lang))
    print(translate("cli.template_written", lang, path=out))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.demo import build_demo, make_room

    lang = _lang(args)
    path = db.resolve_db_path(args.db)
    started = time.perf_counter()
    kept = make_room(path, force=args.force)
    if kept is not None:
        print(translate("cli.demo_backed_up", lang, path=path, backup=kept))
    counts = build_demo(path, room_made=True)
    summary = ", ".join(f"{name} {n}" for name, n in counts.items())
    print(
        translate(
            "cli.demo_built",
            lang,
            path=path,
            seconds=f"{time.perf_counter() - started:.1f}",
            summary=summary,
        )
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """The Academic Council deck for a year, in the language of --lang (default ky)."""
    from sapat.queries.overview import available_years
    from sapat.report.build import build_report
    from sapat.report.pdf import PdfFailed, PdfUnavailable, to_pdf

    lang = args.lang or "ky"
    conn = _open(args, lang)
    years = available_years(conn)
    if args.year not in years:
        shown = ", ".join(years) or "-"
        print(translate("deck.no_year", lang, year=args.year, years=shown), file=sys.stderr)
        return EXIT_REJECTED
    sections = tuple(s.strip() for s in args.sections.split(",")) if args.sections else SECTIONS
    started = time.perf_counter()
    built = build_report(conn, args.year, lang, sections, user=_user())
    out = args.out or built.file_name
    with open(out, "wb") as fh:
        fh.write(built.pptx)
    seconds = f"{time.perf_counter() - started:.1f}"
    print(
        translate(
            "deck.cli_built",
            lang,
            path=out,
            slides=built.slides,
            version=built.snapshot.data_version,
            seconds=seconds,
        )
    )
    if args.pdf:
        pdf_path = str(out).rsplit(".", 1)[0] + ".pdf"
        try:
            pdf = to_pdf(built.pptx)
        except PdfUnavailable:
            print(translate("deck.pdf_unavailable", lang), file=sys.stderr)
            return EXIT_FILE
        except PdfFailed:
            print(translate("deck.pdf_failed", lang), file=sys.stderr)
            return EXIT_FILE
        with open(pdf_path, "wb") as fh:
            fh.write(pdf)
        print(translate("deck.cli_pdf", lang, path=pdf_path))
    return EXIT_OK


def cmd_batches(args: argparse.Namespace) -> int:
    lang = _lang(args)
    conn = _open(args, lang)
    rows = conn.execute(
        "SELECT batch_id, dataset, file_name, uploaded_by, strftime(uploaded_at, '%Y-%m-%d %H:%M'),"
        " mode, rows_in, rows_loaded, rows_rejected, status FROM upload_batches ORDER BY batch_id"
    ).fetchall()
    if not rows:
        print(translate("cli.no_batches", lang))
        return EXIT_OK
    header = ("batch", "dataset", "file", "by", "at", "mode", "in", "loaded", "rejected", "status")
    table = [header] + [tuple("" if v is None else str(v) for v in r) for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    lang = _lang(args)
    conn = _open(args, lang)
    try:
        done = rollback(conn, args.batch_id, _user())
    except RollbackRefused as exc:
        reason = exc.reason(lang)
        print(translate("cli.rollback_refused", lang, batch_id=args.batch_id, reason=reason))
        return EXIT_REJECTED
    print(translate("cli.rolled_back", lang, batch_id=args.batch_id, **done))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from sapat.backup import BackupInvalid, backup

    lang = _lang(args)
    path = db.resolve_db_path(args.db)
    if not path.is_file():
        raise FileRejected("not_found", path=str(path))
    try:
        # Not migrated first: a backup taken before an upgrade keeps the schema it had.
        conn = db.connect(path, migrate_now=False)
    except db.WarehouseLocked:
        print(translate("backup.locked", lang, path=path), file=sys.stderr)
        return EXIT_FILE
    try:
        done = backup(conn, path, Path(args.out) if args.out else None, user=_user())
    except (BackupInvalid, OSError) as exc:
        print(translate("backup.failed", lang, detail=exc), file=sys.stderr)
        return EXIT_FILE
    finally:
        conn.close()
    size_mb = f"{done.size_bytes / 1e6:.1f}"
    print(
        translate("backup.done", lang, path=done.path, size_mb=size_mb, version=done.data_version)
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from sapat.backup import BackupInvalid, RestoreOntoItself, restore

    lang = _lang(args)
    path = db.resolve_db_path(args.db)
    source = Path(args.file)
    try:
        kept = restore(source, path)
    except RestoreOntoItself:
        print(translate("backup.onto_itself", lang, backup=source, path=path), file=sys.stderr)
        return EXIT_FILE
    except FileNotFoundError:
        raise FileRejected("not_found", path=args.file) from None
    except db.WarehouseLocked:
        print(translate("backup.restore_locked", lang, path=path), file=sys.stderr)
        return EXIT_FILE
    except BackupInvalid:
        print(translate("backup.invalid", lang, path=source), file=sys.stderr)
        return EXIT_FILE
    except OSError as exc:
        print(translate("backup.restore_failed", lang, detail=exc), file=sys.stderr)
        return EXIT_FILE
    print(translate("backup.restored", lang, path=path, backup=source))
    if kept is not None:
        print(translate("backup.kept", lang, kept=kept))
    return EXIT_OK


def add_mapping_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mapping",
        help="read another system's layout through a column mapping: a name from "
        "schemas/mappings/ (e.g. erasmus_plus) or the path of a mapping .json file",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="COLUMN=VALUE",
        help="with --mapping: the same value in COLUMN on every row (repeatable)",
    )
    p.add_argument(
        "--home-country",
        default=DEFAULT_HOME_COUNTRY,
        help=f"with --mapping: the home university's country code (default {DEFAULT_HOME_COUNTRY})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description="Sapat data pipelines")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str, *, db_arg: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(func=func)
        if db_arg:
            p.add_argument("--db", help="warehouse file (default: $SAPAT_DB or data/sapat.duckdb)")
        p.add_argument(
            "--lang", choices=LANGUAGES, help="language of messages (default: $SAPAT_LANG or en)"
        )
        return p

    datasets = sorted(DATASETS)
    p = add("ingest", cmd_ingest, "load csv/xlsx files (or a folder of them) into the warehouse")
    p.add_argument("dataset", choices=datasets)
    p.add_argument("file", nargs="+", help="files, or folders whose xlsx/csv files are loaded")
    p.add_argument("--mode", choices=("strict", "valid-rows"), default="strict")
    p.add_argument("--sheet")
    p.add_argument("--all", action="store_true", help="list every problem")
    add_mapping_args(p)
    p = add("ingest-ranking", cmd_ingest_ranking, "import a published ranking table as downloaded")
    p.add_argument("file")
    p.add_argument(
        "--ranking",
        choices=RANKINGS,
        help="ranking system (default: the one the file's columns or name show, and said)",
    )
    p.add_argument("--year", type=int, help="edition; with a year column, import only this year")
    # Published tables always hold a few rows that cannot be loaded (unranked, duplicated).
    p.add_argument("--mode", choices=("strict", "valid-rows"), default="valid-rows")
    p.add_argument(
        "--accept-alias",
        action="append",
        metavar='"FILE NAME=KNOWN NAME"',
        help="accept one proposed new spelling as an alias of a known institution (repeatable);"
        " every other proposal loads under its own name",
    )
    p.add_argument("--all", action="store_true", help="list every problem")
    p = add("check", cmd_check, "validate a file without loading it")
    p.add_argument("dataset", choices=datasets)
    p.add_argument("file")
    p.add_argument("--sheet")
    p.add_argument("--all", action="store_true", help="list every problem")
    add_mapping_args(p)
    p = add("template", cmd_template, "write an xlsx template", db_arg=False)
    p.add_argument("dataset", choices=datasets)
    p.add_argument("--out")
    p = add("demo", cmd_demo, "build the demo warehouse (refused over real data)")
    p.add_argument(
        "--force",
        action="store_true",
        help="rebuild even a warehouse with real uploads, accounts or changes, after a backup",
    )
    p = add("report", cmd_report, "build the Academic Council deck (pptx, optionally pdf)")
    p.add_argument("--year", required=True, help="academic year, e.g. 2025-2026")
    p.add_argument("--out", help="where to write the .pptx (default: its own file name)")
    p.add_argument("--sections", help=f"comma-separated, of {','.join(SECTIONS)} (default: all)")
    p.add_argument("--pdf", action="store_true", help="also write a PDF (needs LibreOffice)")
    add("batches", cmd_batches, "list uploads")
    p = add("rollback", cmd_rollback, "undo one upload")
    p.add_argument("batch_id", type=int)
    p = add("backup", cmd_backup, "copy the warehouse to DIR/sapat-YYYYMMDD-HHMMSS.duckdb")
    p.add_argument("--out", metavar="DIR", help="folder (default: backups/ beside the warehouse)")
    p = add("restore", cmd_restore, "put a backup in place of the warehouse (dashboard stopped)")
    p.add_argument("file")
    add_users_parser(sub)
    add_kpis_parser(sub)
    add_setup_parsers(add, _open)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = _lang(args)
    try:
        return args.func(args)
    except FileRejected as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_FILE
    except db.WarehouseLocked as exc:
        print(FileRejected("locked", path=str(exc)).message(lang), file=sys.stderr)
        return EXIT_FILE
    except duckdb.Error as exc:
        # Another process can take the file between our open and a later statement: any
        # lock conflict is the same plain refusal, never a traceback.
        if "lock" not in str(exc).lower():
            raise
        path = db.resolve_db_path(getattr(args, "db", None))
        print(FileRejected("locked", path=str(path)).message(lang), file=sys.stderr)
        return EXIT_FILE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0
