"""Pandera models of the reference datasets: the university's faculties and known institutions."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from sapat.countries import country_code
from schemas.fields import field

FACULTY_CODE = r"^[A-Z0-9_]+$"
ROR_ID = r"^0[a-z0-9]{6}[0-9]{2}$"


class Faculties(pa.DataFrameModel):
    """A faculty (or institute) of the university: its code and its names in ky, ru and en."""

    code: Series[str] = field("text", required=True, str_matches=FACULTY_CODE)
    name_ky: Series[str] = field("text", required=True)
    name_ru: Series[str] = field("text", required=True)
    name_en: Series[str] = field("text", required=True)
    short_ky: Series[str] = field("text")
    short_ru: Series[str] = field("text")
    short_en: Series[str] = field("text")
    # Kept, not deleted, when a faculty closes or merges: its history keeps its name.
    active: Series[pd.BooleanDtype] = field("bool")

    class Config:
        unique = ["code"]


def _known_country(value: object) -> bool:
    return country_code(value) is not None


class Institutions(pa.DataFrameModel):
    """A university Sapat meets in ranking tables, agreements or mobility, with its spellings."""

    name: Series[str] = field("text", required=True)
    # One cell, spellings separated by ";" (stored as a list).
    aliases: Series[str] = field("text")
    country: Series[str] = field("text")
    is_home: Series[pd.BooleanDtype] = field("bool")
    city: Series[str] = field("text")
    # Free text: the comparison groups the Rankings page offers (Kyrgyzstan, Central Asia, …).
    peer_group: Series[str] = field("text")
    ror_id: Series[str] = field("text", str_matches=ROR_ID)

    @pa.check("country", name="unknown_country", element_wise=True, ignore_na=True)
    def known_country(cls, value: str) -> bool:
        """A country name in ky, ru or en, or an ISO code: the country check of matching."""
        return _known_country(value)

    class Config:
        unique = ["name"]


def derive_faculties(frame: pd.DataFrame) -> pd.DataFrame:
    """A faculty is active unless the file says otherwise."""
    return frame.assign(active=frame["active"].fillna(True).astype("boolean"))


def derive_institutions(frame: pd.DataFrame) -> pd.DataFrame:
    """An institution is not the home university unless the file says so."""
    return frame.assign(is_home=frame["is_home"].fillna(False).astype("boolean"))
