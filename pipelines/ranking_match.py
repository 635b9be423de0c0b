"""Matching published institution names to known institutions; aliases only by review, per name."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

import duckdb
import pandas as pd

from pipelines.parsing import norm_key
from sapat import db
from sapat.countries import country_code

# Words that name the kind of institution, and small words: two names alike only in these
# are not alike. Everything else (a city, a country, a subject such as "Economic" or
# "Agrarian", "State", "National", "Technical") tells institutions apart.
GENERIC_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads better as words)
        "university universitet universiteti universidad universidade universita universite "
        "universitat universitaet uniwersytet universiti universitas univerzitet institute "
        "institut instituto istituto college academy akademie academia akademiya school "
        "университет университети институт институту академия академиясы колледж "
        "of the and for in at de du des di del la le da do dos das y e et und of"
    ).split()
)
# Long generic words a typo does not hide ("Universty" is still "University").
_LONG_GENERIC = tuple(w for w in GENERIC_WORDS if len(w) >= 6)
# An honorific after the name ("named after I. Razzakov", "им. Ж. Баласагына") names a
# person, not another institution; in Kyrgyz it comes first ("Жусуп Баласагын атындагы ...").
_HONORIFIC = re.compile(
    r"\s(?:named\s+after|n\.\s?a\.|im\.|imeni|им\.|имени)\s.*$|^.*\sатындагы\s", re.IGNORECASE
)
# "(MIT)", "(UNR)": an acronym in brackets repeats the name; "(Seoul campus)" does not.
_ACRONYM = re.compile(r"\s*\((?=[^)]*[A-Z])[A-Za-z&.\-]{2,10}\)")
_WORD = re.compile(r"\w+")


def name_key(text: str) -> str:
    """norm_key of a name, keeping U+FFFD (a letter lost in a bad download) as a wildcard."""
    return "\ufffd".join(norm_key(part) for part in text.split("\ufffd"))


def _osa(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (typos: one letter added, lost, changed or swapped),
    stopping early once above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def _typo_of(a: str, b: str) -> bool:
    """Two words alike but for a typo: one slip in 5-9 letters, two from 10 letters on."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 5:
        return False
    limit = 1 if shorter < 10 else 2
    return _osa(a, b, limit) <= limit


@cache
def _generic(word: str) -> bool:
    """A kind-of-institution or small word, or a long one with a typo ("universty")."""
    if word in GENERIC_WORDS:
        return True
    return len(word) >= 6 and any(
        g[0] == word[0] and abs(len(g) - len(word)) <= 1 and _typo_of(word, g)
        for g in _LONG_GENERIC
    )


def content_words(text: str) -> tuple[str, ...]:
    """The words of a name that tell it apart, in order: honorifics, bracketed acronyms,
    kind-of-institution words, small words and initials left out."""
    text = _ACRONYM.sub("", _HONORIFIC.sub(" ", f" {text} ")).replace("\ufffd", "")
    words = _WORD.findall(text.casefold().replace("ё", "е"))
    return tuple(w for w in words if len(w) >= 2 and not w.isdigit() and not _generic(w))


def same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Every distinguishing word of each name has its match in the other (typos allowed):
    nothing that tells institutions apart is dropped on either side."""
    if not a or len(a) != len(b):
        return False
    left = list(b)
    for word in a:
        hit = next((i for i, other in enumerate(left) if _typo_of(word, other)), None)
        if hit is None:
            return False
        left.pop(hit)
    return True


@cache
def _country(text: str | None) -> str | None:
    """A comparable country (ISO code), or None when absent or not a country we know."""
    return country_code(text) if text else None


@dataclass
class Known:
    """One spelling (own name or alias) of a known institution."""

    key: str
    words: tuple[str, ...]
    spelling: str
    name: str
    country: str | None  # as stored
    code: str | None  # comparable
    city: str | None
    guarded: bool  # the home university or a peer: matched only exactly or by review


@dataclass
class AliasProposal:
    """A published name that resembles a known institution's, with the evidence."""

    published: str
    known: str
    spelling: str  # the known spelling it resembles
    published_country: str | None
    known_country: str | None
    published_city: str | None
    known_city: str | None
    similarity: float  # 0..1, of the two names' matching keys
    guarded: bool
    rows: list[int] = field(default_factory=list)
    accepted: bool = False


@dataclass
class Refusal:
    """An --accept-alias (or a ticked box) that cannot be done, and why."""

    published: str
    known: str
    reason: str  # not_in_file | unknown_institution | not_proposed | owned | twice
    owner: str | None = None


class InstitutionMatcher:
    """Published spellings → canonical institutions.name, through names and reviewed aliases.

    A spelling equal to a known name or alias is that institution, unless the two are
    published in different countries. Anything else is at most a proposal: the same
    distinguishing words (typos allowed) and no country against it. A proposal is never
    applied until it is accepted by name; a rejected one loads under its own name.
    """

    def __init__(self, rows: list[tuple]) -> None:
        self.exact: dict[str, Known] = {}
        self.known: list[Known] = []
        self.names: dict[str, str] = {}  # norm key of a canonical name → the name
        self._by_word: dict[str, set[int]] = {}
        for row in rows:
            name, aliases, country = row[0], row[1], row[2]
            city = row[3] if len(row) > 3 else None
            guarded = bool(row[4]) if len(row) > 4 else False
            self.names[name_key(name)] = name
            for spelling in [name, *(aliases or [])]:
                key = name_key(spelling).replace("\ufffd", "")
                if not key:
                    continue
                known = Known(
                    key, content_words(spelling), spelling, name, country, _country(country),
                    city, guarded,
                )  # fmt: skip
                # A spelling listed twice resolves to the institution whose own name it is.
                if key not in self.exact or name_key(name) == key:
                    self.exact[key] = known
                self.known.append(known)
                for word in known.words:
                    for handle in (word, word[:3], word[-3:]):
                        self._by_word.setdefault(handle, set()).add(len(self.known) - 1)

    @classmethod
    def from_db(cls, conn: duckdb.DuckDBPyConnection | None) -> InstitutionMatcher:
        if conn is None:
            return cls([])
        rows = conn.execute(
            "SELECT name, aliases, country, city, is_home OR coalesce(trim(peer_group), '') <> '' "
            "FROM institutions"
        ).fetchall()
        return cls(rows)

    def canonical(self, text: str) -> str | None:
        """The canonical name a --accept-alias target names (its own name or any spelling)."""
        key = name_key(text).replace("\ufffd", "")
        if key in self.names:
            return self.names[key]
        hit = self.exact.get(key)
        return hit.name if hit else None

    def owner(self, spelling: str) -> str | None:
        """The institution a spelling already belongs to (as its name or an alias)."""
        hit = self.exact.get(name_key(spelling).replace("\ufffd", ""))
        return hit.name if hit else None

    def match(
        self,
        published: str,
        country: str | None = None,
        spellings: tuple[str, ...] = (),
        city: str | None = None,
    ) -> tuple[str | None, AliasProposal | None, bool]:
        """(canonical name, None, False) on a match; (None, proposal, False) for a look-alike;
        (None, None, True) when the name is a known one of another country; else nothing."""
        if not self.known:
            return None, None, False
        code = _country(country)
        conflict = False
        for text in (published, *spellings):
            key = name_key(text)
            if "\ufffd" in key:
                hit = self._wildcard(key, code)
                if hit is not None and not hit.guarded:
                    return hit.name, None, False
                if hit is not None:  # a lost letter is a guess: the home university is not
                    return None, self._proposal(published, country, city, hit), False
                continue
            hit = self.exact.get(key)
            if hit is None:
                continue
            if code and hit.code and code != hit.code:
                conflict = True
                continue
            return hit.name, None, False
        if conflict:
            return None, None, True
        words = content_words(published)
        best: tuple[float, Known] | None = None
        ambiguous = False
        for i in self._candidates(words):
            known = self.known[i]
            if code and known.code and code != known.code:
                continue  # no alias across countries
            if not same_words(words, known.words):
                continue
            ratio = difflib.SequenceMatcher(
                None, name_key(published), known.key, autojunk=False
            ).ratio()
            if best is None or ratio > best[0]:
                ambiguous = best is not None and best[1].name != known.name and ratio == best[0]
                best = (ratio, known)
            elif ratio == best[0] and known.name != best[1].name:
                ambiguous = True
        if best is None or ambiguous:
            return None, None, False
        return None, self._proposal(published, country, city, best[1], best[0]), False

    def _candidates(self, words: tuple[str, ...]) -> set[int]:
        found: set[int] = set()
        for word in words:
            for handle in (word, word[:3], word[-3:]):
                found |= self._by_word.get(handle, set())
        return found

    def _wildcard(self, key: str, code: str | None) -> Known | None:
        pattern = re.compile(".?".join(re.escape(p) for p in key.split("\ufffd")))
        for k, known in self.exact.items():
            if pattern.fullmatch(k) and not (code and known.code and code != known.code):
                return known
        return None

    def _proposal(
        self,
        published: str,
        country: str | None,
        city: str | None,
        known: Known,
        ratio: float | None = None,
    ) -> AliasProposal:
        if ratio is None:
            ratio = difflib.SequenceMatcher(None, name_key(published), known.key).ratio()
        return AliasProposal(
            published, known.name, known.spelling, country, known.country, city, known.city,
            round(ratio, 3), known.guarded,
        )  # fmt: skip


def review(
    proposals: dict[str, AliasProposal],
    accept: dict[str, str],
    matcher: InstitutionMatcher,
    published: set[str],
) -> list[Refusal]:
    """Mark the accepted proposals; refuse any acceptance that is not a proposal of this
    file, names no known institution, or would take a spelling another one owns."""
    refused: list[Refusal] = []
    if not accept:
        return refused
    by_key = {name_key(p): p for p in proposals}
    names = {name_key(p): p for p in published}
    for file_name, known in accept.items():
        target = matcher.canonical(known)
        owner = matcher.owner(file_name)
        proposal = proposals.get(file_name) or proposals.get(by_key.get(name_key(file_name), ""))
        if name_key(file_name) not in names:
            refused.append(Refusal(file_name, known, "not_in_file"))
        elif target is None:
            refused.append(Refusal(file_name, known, "unknown_institution"))
        elif owner is not None and owner != target:
            refused.append(Refusal(file_name, known, "owned", owner))
        elif proposal is None or proposal.known != target:
            refused.append(Refusal(file_name, known, "not_proposed"))
        else:
            proposal.accepted = True
    return refused


def parse_accept(values: list[str] | None) -> tuple[dict[str, str], list[Refusal]]:
    """--accept-alias "FILE NAME=KNOWN NAME" values; a name given twice is refused."""
    accept: dict[str, str] = {}
    refused = []
    for value in values or []:
        published, sep, known = value.partition("=")
        published, known = published.strip(), known.strip()
        if not sep or not published or not known:
            refused.append(Refusal(value, "", "not_a_pair"))
        elif published in accept and accept[published] != known:
            refused.append(Refusal(published, known, "twice"))
        else:
            accept[published] = known
    return accept, refused


def add_aliases(
    conn: duckdb.DuckDBPyConnection, spellings: dict[str, str], user: str
) -> list[Refusal]:
    """Record accepted spellings as aliases, one transaction; a spelling another institution
    took meanwhile is refused, not moved."""
    refused = []
    with db.transaction(conn) as tx:
        for published, name in spellings.items():
            owner = db.first(
                tx.execute(
                    "SELECT canonical FROM institution_keys WHERE key = norm_name($1)", [published]
                )
            )
            if owner is not None and owner[0] != name:
                refused.append(Refusal(published, name, "owned", owner[0]))
                continue
            tx.execute(
                "UPDATE institutions SET aliases = CASE WHEN list_contains(aliases, $1) "
                "THEN aliases ELSE list_append(coalesce(aliases, []::VARCHAR[]), $1) END "
                "WHERE name = $2",
                [published, name],
            )
            db.audit(tx, user, "alias_added", f"{published} → {name}")
    return refused


def resolve_names(
    names: pd.Series,
    countries: pd.Series,
    spellings: pd.Series,
    cities: pd.Series,
    matcher: InstitutionMatcher,
) -> tuple[pd.Series, dict[str, AliasProposal], pd.Series]:
    """Stored institution per row (a look-alike keeps its own name until its proposal is
    accepted), the proposals with their rows, and the rows whose name is a known
    institution's of another country (held back)."""
    frame = pd.DataFrame(
        {"n": names.fillna(""), "c": countries.fillna(""), "t": cities.fillna("")},
        index=names.index,
    )
    codes, uniques = pd.MultiIndex.from_frame(frame).factorize()
    extra_of: dict[int, tuple[str, ...]] = {}
    for code, extra in zip(codes, spellings, strict=True):
        if extra and code not in extra_of:
            extra_of[code] = extra
    stored: list[str | None] = []
    conflicts: list[bool] = []
    proposals: dict[str, AliasProposal] = {}
    for i, (name, country, city) in enumerate(uniques):
        found, conflict = None, False
        if name:
            found, proposal, conflict = matcher.match(
                name, country or None, extra_of.get(i, ()), city or None
            )
            if proposal is not None:
                proposals.setdefault(name, proposal)
        stored.append(found or name or None)
        conflicts.append(conflict)
    index = names.index
    result = pd.Series(pd.array(stored, dtype="str").take(codes), index=index)
    conflict = pd.Series(pd.array(conflicts, dtype=bool).take(codes), index=index)
    for row, name in names[names.isin(list(proposals))].items():
        proposals[name].rows.append(int(row))
    return result, proposals, conflict
