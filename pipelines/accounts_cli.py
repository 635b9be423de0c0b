"""Commands for accounts and KPI links: `users ...` and `kpis ...`."""

from __future__ import annotations

import argparse
import sys

from pipelines.cli_common import EXIT_OK, EXIT_REJECTED, _lang, _open, _user
from sapat import auth
from sapat.i18n import LANGUAGES, translate
from sapat.queries import kpis as kq
from sapat.queries.measures import MEASURES


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """The password from stdin (one line), else a generated one; True if generated."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    return auth.generate_password(), True


def _print_generated(username: str, password: str, lang: str) -> None:
    print(translate("auth.cli.generated_password", lang, username=username, password=password))


def cmd_users(args: argparse.Namespace) -> int:
    lang = _lang(args)
    action = args.users_command
    if action == "first-admin":
        return _first_admin(args, lang)
    password, generated = _password(args) if action in ("add", "reset-password") else ("", False)
    if action != "list":
        try:
            # Refuse a bad name, role or password before the warehouse is opened.
            name = auth.check_username(args.username)
            if action in ("add", "reset-password"):
                auth.check_password(password)
            if action in ("add", "roles"):
                roles = auth.check_roles(args.role)
        except auth.AuthError as exc:
            print(translate("auth.cli.refused", lang, reason=exc.message(lang)), file=sys.stderr)
            return EXIT_REJECTED
    conn = _open(args, lang)
    by = _user()
    try:
        if action == "list":
            users = auth.list_users(conn)
            if not users:
                print(translate("auth.cli.no_users", lang))
            for u in users:
                state = translate("auth.cli.active" if u.active else "auth.cli.inactive", lang)
                print(f"{u.username}\t{u.display_name}\t{','.join(u.roles)}\t{state}")
        elif action == "add":
            auth.add_user(conn, name, password, roles, display_name=args.display_name, by=by)
            print(translate("auth.cli.user_added", lang, username=name, roles=", ".join(roles)))
            if generated:
                _print_generated(name, password, lang)
        elif action == "reset-password":
            auth.set_password(conn, name, password, by=by)
            print(translate("auth.cli.password_reset", lang, username=name))
            if generated:
                _print_generated(name, password, lang)
        elif action == "roles":
            auth.set_roles(conn, name, roles, by=by)
            print(translate("auth.cli.roles_changed", lang, username=name, roles=", ".join(roles)))
        elif action == "deactivate":
            auth.deactivate(conn, name, by=by)
            print(translate("auth.cli.user_deactivated", lang, username=name))
        else:
            auth.activate(conn, name, by=by)
            print(translate("auth.cli.user_activated", lang, username=name))
    except auth.AuthError as exc:
        print(translate("auth.cli.refused", lang, reason=exc.message(lang)), file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


def _first_admin(args: argparse.Namespace, lang: str) -> int:
    """Create the account `admin` with a generated password when there are no accounts yet.

    `make run` calls this so a fresh machine can be signed in to; the password is printed
    once and never stored in clear.
    """
    conn = _open(args, lang)
    if auth.list_users(conn):
        return EXIT_OK
    password = auth.generate_password()
    auth.add_user(conn, "admin", password, [auth.ADMIN], display_name="Administrator", by="setup")
    print(translate("auth.cli.first_admin", lang, username="admin", password=password))
    return EXIT_OK


def add_users_parser(sub: argparse._SubParsersAction) -> None:
    """`users add|list|deactivate|activate|reset-password|roles`: accounts of the dashboard."""
    group = sub.add_parser("users", help="manage dashboard accounts")
    group.set_defaults(func=cmd_users)
    users = group.add_subparsers(dest="users_command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = users.add_parser(name, help=help_text)
        p.add_argument("--db", help="warehouse file (default: $SAPAT_DB or data/sapat.duckdb)")
        p.add_argument(
            "--lang", choices=LANGUAGES, help="language of messages (default: $SAPAT_LANG or en)"
        )
        if name not in ("list", "first-admin"):
            p.add_argument("username")
        return p

    role_help = f"one of {', '.join(auth.ROLES)} (repeatable)"
    stdin_help = "read the password from the first line of stdin (default: generate and print it)"
    p = add("add", "create an account")
    p.add_argument("--role", action="append", required=True, metavar="ROLE", help=role_help)
    p.add_argument("--display-name")
    p.add_argument("--password-stdin", action="store_true", help=stdin_help)
    add("list", "list accounts")
    add("first-admin", "create the account admin (password printed once) if there is no account")
    add("deactivate", "stop an account from signing in")
    add("activate", "let a deactivated account sign in again")
    p = add("reset-password", "set a new password")
    p.add_argument("--password-stdin", action="store_true", help=stdin_help)
    p = add("roles", "replace an account's roles")
    p.add_argument("--role", action="append", required=True, metavar="ROLE", help=role_help)


def cmd_kpis(args: argparse.Namespace) -> int:
    lang = _lang(args)
    action = args.kpis_command
    if action == "link" and args.measure not in MEASURES:
        # Said before the warehouse is opened, like a wrong role of `users`.
        exc = kq.LinkError("unknown_measure", measure=args.measure, measures=", ".join(MEASURES))
        print(translate("kpis.cli.refused", lang, reason=exc.message(lang)), file=sys.stderr)
        return EXIT_REJECTED
    conn = _open(args, lang)
    try:
        if action == "links":
            frame = kq.links(conn)
            if frame.empty:
                print(translate("kpis.cli.no_links", lang))
            for r in frame.itertuples():
                at = "" if r.linked_at is None else f"{r.linked_at:%Y-%m-%d %H:%M}"
                gone = "" if r.defined else "\t" + translate("kpis.cli.gone", lang)
                print(f"{r.code}\t{r.measure}\t{r.linked_by or ''}\t{at}{gone}")
        elif action == "link":
            changed = kq.link(conn, args.code, args.measure, _user())
            key = "kpis.cli.linked" if changed else "kpis.cli.already_linked"
            print(translate(key, lang, code=args.code, measure=args.measure))
        else:
            changed = kq.unlink(conn, args.code, _user())
            key = "kpis.cli.unlinked" if changed else "kpis.cli.not_linked"
            print(translate(key, lang, code=args.code))
    except kq.LinkError as exc:
        print(translate("kpis.cli.refused", lang, reason=exc.message(lang)), file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


def add_kpis_parser(sub: argparse._SubParsersAction) -> None:
    """`kpis link|unlink|links`: which KPIs are computed from a quality measure."""
    group = sub.add_parser("kpis", help="compute KPIs from academic quality measures")
    group.set_defaults(func=cmd_kpis)
    kpis = group.add_subparsers(dest="kpis_command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = kpis.add_parser(name, help=help_text)
        p.add_argument("--db", help="warehouse file (default: $SAPAT_DB or data/sapat.duckdb)")
        p.add_argument(
            "--lang", choices=LANGUAGES, help="language of messages (default: $SAPAT_LANG or en)"
        )
        return p

    p = add("link", "compute a KPI from a measure (its uploaded values stay for other years)")
    p.add_argument("code", help="KPI code")
    p.add_argument("measure", help=f"one of {', '.join(MEASURES)}")
    p = add("unlink", "use a KPI's uploaded values again")
    p.add_argument("code", help="KPI code")
    add("links", "list the KPIs computed from a measure")
