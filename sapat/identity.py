"""The university a warehouse belongs to: names in ky/ru/en, city, country and logo."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from xml.etree import ElementTree

import duckdb

from sapat import db
from sapat.i18n import LANGUAGES, localized

MAX_LOGO_BYTES = 1_000_000
NAME_FIELDS = tuple(f"{kind}_{lang}" for kind in ("name", "short") for lang in LANGUAGES)
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class IdentityError(ValueError):
    """A name or logo that cannot be used; ``code`` and ``params`` name the i18n message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class University:
    name_ky: str
    name_ru: str
    name_en: str
    short_ky: str
    short_ru: str
    short_en: str
    city: str | None = None
    country: str | None = None
    logo: bytes | None = field(default=None, repr=False)
    logo_type: str | None = None  # image/png, image/jpeg, image/svg+xml

    def name(self, lang: str) -> str:
        return localized(self, "name", lang)

    def short(self, lang: str) -> str:
        return localized(self, "short", lang)

    @property
    def spellings(self) -> list[str]:
        """Every name the university goes by, each once: its aliases in ranking tables."""
        seen: dict[str, None] = {}
        for name in NAME_FIELDS:
            seen.setdefault(getattr(self, name).strip(), None)
        return list(seen)


def checked(university: University) -> University:
    """The university with names trimmed, or IdentityError naming what is missing or bad."""
    names = {f: (getattr(university, f) or "").strip() for f in NAME_FIELDS}
    missing = [f for f, v in names.items() if not v]
    if missing:
        raise IdentityError("identity.name_missing", fields=", ".join(missing))
    too_long = [f for f, v in names.items() if len(v) > 300]
    if too_long:
        raise IdentityError("identity.name_too_long", fields=", ".join(too_long))
    if university.logo is not None:
        logo_type = logo_kind(university.logo)
        return replace(university, **names, logo_type=logo_type)
    return replace(university, **names, logo_type=None)


# An SVG is a document that can run script or fetch from elsewhere: only a plain drawing.
_SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "object", "embed", "use", "image"}
_EXTERNAL = re.compile(r"^\s*(?!#)(?!data:image/(png|jpeg);base64,)\S", re.IGNORECASE)


def logo_kind(data: bytes) -> str:
    """The logo's media type, from its content: PNG, JPEG or a script-free, self-contained SVG."""
    if len(data) > MAX_LOGO_BYTES:
        raise IdentityError("identity.logo_too_big", size_kb=len(data) // 1000, max_kb=1000)
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(_JPEG):
        return "image/jpeg"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        _check_svg(data)
        return "image/svg+xml"
    raise IdentityError("identity.logo_type")


def _check_svg(data: bytes) -> None:
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise IdentityError("identity.logo_svg_unsafe", reason="DOCTYPE/ENTITY")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise IdentityError("identity.logo_unreadable", reason=str(exc)) from None
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in _SVG_FORBIDDEN_TAGS:
            raise IdentityError("identity.logo_svg_unsafe", reason=f"<{tag}>")
        for attr, value in element.attrib.items():
            name = attr.rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                raise IdentityError("identity.logo_svg_unsafe", reason=name)
            if name in ("href", "src") and _EXTERNAL.match(value):
                raise IdentityError("identity.logo_svg_unsafe", reason=f"{name}={value[:60]}")
            if "url(" in value.lower() and not re.search(r"url\(\s*#", value, re.IGNORECASE):
                raise IdentityError("identity.logo_svg_unsafe", reason=value[:60])
        if (
            tag == "style"
            and element.text
            and ("url(" in element.text or "@import" in element.text)
        ):
            raise IdentityError("identity.logo_svg_unsafe", reason="style")


_COLUMNS = [f.name for f in fields(University)]

# Kyrgyz names of institutions: its own letters, or a possessive ending (университети).
_KYRGYZ_NAME = re.compile(r"[ңөүҢӨҮ]|(?:университети|институту|академиясы|колледжи)\b")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")


def display_name(conn: duckdb.DuckDBPyConnection, lang: str, *, short: bool = False) -> str | None:
    """The university's name in ``lang``: the one every page, export and deck shows.

    From the university set by init or the Administration page; a warehouse without one
    (the demo) names its home institution, taking the full Cyrillic alias of the language
    (Kyrgyz ones told by their letters or possessive ending), else the English name.
    """
    university = get(conn)
    if university is not None:
        return university.short(lang) if short else university.name(lang)
    row = db.first(conn.execute("SELECT name, aliases FROM institutions WHERE is_home"))
    if row is None:
        return None
    home, aliases = row[0], [a for a in (row[1] or []) if isinstance(a, str)]
    if short:
        shorts = [a for a in aliases if " " not in a.strip()]
        cyrillic = [a for a in shorts if _CYRILLIC.search(a)]
        # ОшМУ (ky) and ОшГУ (ru) differ by the Kyrgyz word; English keeps a Latin one.
        pool = [a for a in shorts if not _CYRILLIC.search(a)] if lang == "en" else cyrillic
        if lang == "ky":
            pool = [a for a in pool if "МУ" in a] or pool
        elif lang == "ru":
            pool = [a for a in pool if "ГУ" in a] or pool
        return pool[0] if pool else home
    if lang == "en":
        return home
    full = [a for a in aliases if " " in a.strip() and _CYRILLIC.search(a)]
    kyrgyz = [a for a in full if _KYRGYZ_NAME.search(a)]
    russian = [a for a in full if a not in kyrgyz]
    found = kyrgyz if lang == "ky" else russian
    return max(found, key=len) if found else home


def proposed(conn: duckdb.DuckDBPyConnection) -> University | None:
    """What the Administration page offers before a university is set: the names the
    dashboard already shows for the home institution, so the form and the header agree."""
    row = db.first(conn.execute("SELECT country FROM institutions WHERE is_home"))
    if row is None:
        return None
    names = {f"name_{lang}": display_name(conn, lang) or "" for lang in LANGUAGES}
    shorts = {f"short_{lang}": display_name(conn, lang, short=True) or "" for lang in LANGUAGES}
    return University(**names, **shorts, country=row[0])


def get(conn: duckdb.DuckDBPyConnection) -> University | None:
    """The warehouse's university, or None (the demo, or a warehouse made before `init`)."""
    row = db.first(conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM university WHERE id = 1"))
    return University(*row) if row else None


def save(
    conn: duckdb.DuckDBPyConnection,
    university: University,
    user: str,
    *,
    keep_logo: bool = True,
    now: datetime | None = None,
) -> University:
    """Store the university (checked), make it the home institution, and audit the change.

    ``keep_logo``: a university given without a logo keeps the logo it had.
    """
    university = checked(university)
    before = get(conn)
    if university.logo is None and keep_logo and before is not None:
        university = replace(university, logo=before.logo, logo_type=before.logo_type)
    values = [getattr(university, c) for c in _COLUMNS]
    with db.transaction(conn) as tx:
        tx.execute("DELETE FROM university")
        tx.execute(
            f"INSERT INTO university (id, {', '.join(_COLUMNS)}, updated_at, updated_by) "
            f"VALUES (1, {', '.join('?' for _ in _COLUMNS)}, ?, ?)",
            [*values, now or datetime.now(), user],
        )
        _make_home(tx, university, before)
        changed = [
            c for c in _COLUMNS if before is None or getattr(before, c) != getattr(university, c)
        ]
        db.audit(tx, user, "university_set", ", ".join(changed) or "unchanged")
        db.bump_data_version(tx)
    return university


def _make_home(
    tx: duckdb.DuckDBPyConnection, university: University, before: University | None
) -> None:
    """The university as the one home institution, its names in all languages as aliases.

    A rename keeps the old English name's ranking rows attached: the old name becomes an
    alias, since published tables keep the spelling of their year.
    """
    name = university.name_en
    aliases = [s for s in university.spellings if s != name]
    if before is not None and before.name_en != name:
        aliases += [s for s in before.spellings if s not in aliases and s != name]
    tx.execute("UPDATE institutions SET is_home = false WHERE is_home AND name <> ?", [name])
    tx.execute(
        "INSERT INTO institutions (name, aliases, country, is_home) VALUES (?, ?, ?, true) "
        "ON CONFLICT (name) DO UPDATE SET is_home = true, country = excluded.country, "
        "aliases = list_distinct(list_concat(coalesce(institutions.aliases, []), excluded.aliases))",
        [name, aliases, university.country],
    )
