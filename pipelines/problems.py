"""Problems found in an upload, and the file-level rejection, told in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sapat.i18n import code_label, column_label, translate


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row, or column) of an upload.

    ``row`` is the row number as Excel shows it; ``column`` is the header as written in
    the file, so the user finds the cell in the file they know.
    """

    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sheet: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if "column" in params:
            params["column"] = column_label(params["column"], lang)
        if "codes" in params:
            params["allowed"] = ", ".join(code_label(c, lang) for c in params.pop("codes"))
        return translate(f"problem.{self.code}", lang, **params)


@dataclass(frozen=True)
class Notice:
    """Something the user should know that does not stop the upload (e.g. a hidden sheet)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        return translate(f"notice.{self.code}", lang, **self.params)


class FileRejected(Exception):
    """The file itself is unreadable or unsafe; nothing in it was looked at further."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str) -> str:
        return translate(f"file.{self.code}", lang, **self.params)
