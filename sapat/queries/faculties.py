"""The university's faculties as the faculties dataset names them, in ky, ru and en."""

from __future__ import annotations

import duckdb
import pandas as pd

from sapat.provenance import reads

NAME_COLUMNS = ("name_ky", "name_ru", "name_en", "short_ky", "short_ru", "short_en")


@reads("faculties")
def names(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every faculty: code, name_ky/ru/en, short_ky/ru/en, by code; none before the faculties
    dataset is uploaded.

    Closed faculties (``active = false``) too: their rows in other datasets keep their name.
    Reference data, the same for every reader: a dean sees the other faculties' names too.
    """
    return conn.execute(f"SELECT code, {', '.join(NAME_COLUMNS)} FROM faculties ORDER BY code").df()
