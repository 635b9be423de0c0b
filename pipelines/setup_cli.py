"""Commands that start a real warehouse and describe one: `init` and `status`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines.cli_common import EXIT_FILE, EXIT_OK
from sapat import auth, db, identity
from sapat.i18n import translate
from schemas.registry import DATASETS, get_dataset


def _university(args: argparse.Namespace, lang: str) -> identity.University:
    """The university from the arguments, checked; IdentityError before anything is made."""
    logo = None
    if args.logo:
        try:
            logo = Path(args.logo).read_bytes()
        except OSError as exc:
            raise identity.IdentityError(
                "identity.logo_unreadable", reason=exc.strerror or str(exc)
            ) from None
    return identity.checked(
        identity.University(
            **{f: getattr(args, f) or "" for f in identity.NAME_FIELDS},
            city=args.city,
            country=args.country,
            logo=logo,
        )
    )


def cmd_init(args: argparse.Namespace) -> int:
    """An empty, migrated, real warehouse for one university, with its first admin."""
    lang = args.lang or os.environ.get("SAPAT_LANG", "en")
    path = db.resolve_db_path(args.db)
    wal = path.with_name(path.name + ".wal")
    if path.exists() or wal.exists():
        print(translate("setup.exists", lang, path=path), file=sys.stderr)
        return EXIT_FILE
    try:
        university = _university(args, lang)
    except identity.IdentityError as exc:
        print(translate(exc.code, lang, **exc.params), file=sys.stderr)
        return EXIT_FILE
    # Built beside the target and renamed into place: an interrupted init leaves no
    # half-made warehouse that a later `make run` would take for a real one.
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.init")
    for stale in (part, part.with_name(part.name + ".wal")):
        stale.unlink(missing_ok=True)
    user = os.environ.get("SAPAT_USER") or "setup"
    try:
        conn = db.connect(part)
        try:
            with db.transaction(conn) as tx:
                db.set_meta(tx, "demo", "false")
                db.set_meta(tx, "kind", "real")
            identity.save(conn, university, user)
            password = auth.generate_password()
            auth.add_user(
                conn, "admin", password, [auth.ADMIN], display_name="Administrator", by="setup"
            )
            conn.execute("CHECKPOINT")
        finally:
            conn.close()
        os.replace(part, path)
    except BaseException:
        for stale in (part, part.with_name(part.name + ".wal")):
            stale.unlink(missing_ok=True)
        raise
    print(translate("setup.created", lang, path=path, name=university.name(lang)))
    print(translate("auth.cli.first_admin", lang, username="admin", password=password))
    print(translate("setup.next_steps", lang, path=path))
    return EXIT_OK


def _years(conn: duckdb.DuckDBPyConnection, table: str, columns: set[str]) -> str:
    """The academic years (or years) a dataset's rows cover, as a short range or list."""
    column = next((c for c in ("academic_year", "year") if c in columns), None)
    if column is None:
        return ""
    years = [
        str(r[0])
        for r in conn.execute(
            f'SELECT DISTINCT "{column}" FROM {table} WHERE "{column}" IS NOT NULL ORDER BY 1'
        ).fetchall()
    ]
    if len(years) > 4:
        return f"{years[0]} … {years[-1]} ({len(years)})"
    return ", ".join(years)


def cmd_status(args: argparse.Namespace, open_db: Callable) -> int:
    """What the warehouse holds: the university, each dataset's rows, last upload and years."""
    lang = args.lang or os.environ.get("SAPAT_LANG", "en")
    path = db.resolve_db_path(args.db)
    if not path.exists():
        print(translate("setup.no_warehouse", lang, path=path), file=sys.stderr)
        return EXIT_FILE
    conn = open_db(args, lang)
    university = identity.get(conn)
    if db.is_demo(conn):
        print(translate("setup.status_demo", lang, path=path))
    elif university is not None:
        print(translate("setup.status_real", lang, path=path, name=university.name(lang)))
    else:
        print(translate("setup.status_unset", lang, path=path))
    last = {
        r[0]: r[1:]
        for r in conn.execute(
            "SELECT dataset, strftime(max(uploaded_at), '%Y-%m-%d %H:%M'), "
            "arg_max(uploaded_by, uploaded_at) FROM upload_batches "
            "WHERE status = 'committed' GROUP BY dataset"
        ).fetchall()
    }
    header = [translate(f"setup.col_{c}", lang) for c in ("dataset", "rows", "last", "by", "years")]
    table = [header]
    for name in DATASETS:
        dataset = get_dataset(name)
        columns = {c.name for c in dataset.columns}
        (rows,) = db.first(conn.execute(f"SELECT count(*) FROM {dataset.table}"))
        when, who = last.get(name, ("", ""))
        table.append(
            [
                translate(f"dataset.{name}", lang),
                str(rows),
                when or "—",
                who or "—",
                _years(conn, dataset.table, columns) or "—",
            ]
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    print(translate("setup.data_version", lang, version=db.data_version(conn)))
    return EXIT_OK


def add_setup_parsers(add: Callable[..., argparse.ArgumentParser], open_db: Callable) -> None:
    """`init` and `status`, on the CLI's common options (--db, --lang)."""
    p = add("init", cmd_init, "create an empty warehouse for a real university")
    for kind, what in (("name", "official name"), ("short", "short name")):
        for lang, language in (("ky", "Kyrgyz"), ("ru", "Russian"), ("en", "English")):
            p.add_argument(
                f"--{kind}-{lang}",
                dest=f"{kind}_{lang}",
                help=f"{what} in {language}",
            )
    p.add_argument("--city")
    p.add_argument("--country")
    p.add_argument("--logo", help="PNG, JPEG or SVG, at most 1 MB")
    add("status", lambda args: cmd_status(args, open_db), "what the warehouse holds")
