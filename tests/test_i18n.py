"""Every user-facing text exists in Kyrgyz, Russian and English; a name is read in a language."""

import collections
import re
import string

import numpy as np
import pandas as pd

from sapat.i18n import LANGUAGES, catalog, column_label, localized, translate
from schemas.registry import DATASETS
from tests.conftest import ROOT

KEY_USE = re.compile(r"""\b(?:t|translate)\(\s*f?["']([a-z_]+\.[a-zA-Z0-9_.]+)["']""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_each_language_has_the_same_catalog_files():
    from sapat.i18n import LOCALES

    files = {lang: sorted(p.name for p in (LOCALES / lang).glob("*.json")) for lang in LANGUAGES}
    assert files["ky"] == files["ru"] == files["en"] and files["en"]


def test_each_key_prefix_lives_in_the_file_named_after_it():
    """One file per key prefix: ``ui.*`` only in ui.json, so a key has one obvious home."""
    import json

    from sapat.i18n import LOCALES

    for lang in LANGUAGES:
        for path in (LOCALES / lang).glob("*.json"):
            keys = json.loads(path.read_text(encoding="utf-8"))
            strays = [k for k in keys if k.split(".")[0] != path.stem]
            assert not strays, f"{lang}/{path.name}: {strays[:5]}"


def test_catalogs_have_the_same_keys_and_placeholders():
    en = catalog("en")
    for lang in LANGUAGES:
        other = catalog(lang)
        assert set(other) == set(en), (
            f"{lang}: missing {set(en) - set(other)}, extra {set(other) - set(en)}"
        )
        for key, text in en.items():
            assert other[key].strip(), f"{lang}:{key} is empty"
            assert _fields(other[key]) == _fields(text), f"{lang}:{key} placeholders differ"


def test_every_key_used_in_code_exists():
    used = set()
    for path in [
        *ROOT.glob("*.py"),
        *ROOT.glob("pages/*.py"),
        *ROOT.glob("sapat/**/*.py"),
        *ROOT.glob("pipelines/*.py"),
    ]:
        used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    assert used, "the key scanner found nothing"
    missing = {k for k in used if k not in catalog("en")}
    assert not missing


def test_every_column_code_dataset_and_problem_is_translated():
    en = catalog("en")
    for dataset in DATASETS.values():
        assert f"dataset.{dataset.name}" in en
        for col in dataset.columns:
            assert f"col.{col.name}" in en
            for code in col.codes:
                assert f"code.{code}" in en, code
    for lang in LANGUAGES:
        assert column_label("partner_institution", lang) != "partner_institution"


def test_kyrgyz_is_the_default_and_texts_differ_by_language():
    assert translate("ui.overview_title") == catalog("ky")["ui.overview_title"]
    titles = {translate("ui.overview_title", lang) for lang in LANGUAGES}
    assert len(titles) == 3


def test_localized_reads_the_language_then_en_ru_ky_then_nothing():
    row = {"name_ky": None, "name_ru": "Русский", "name_en": "  "}
    assert localized(row, "name", "ky") == "Русский"
    assert localized(row, "name", "ky", others=False) == ""
    assert localized({"name_ky": "К", "name_ru": "Р", "name_en": "E"}, "name", "ru") == "Р"
    assert localized({"name_ky": "К", "name_ru": "Р", "name_en": "E"}, "name", "ky") == "К"
    assert localized({"name_ky": "К", "name_ru": "Р"}, "name", "en") == "Р"
    assert localized({}, "name", "en") == ""


def test_localized_reads_series_namedtuples_and_objects():
    series = pd.Series({"question_ky": np.nan, "question_en": "How?"})
    assert localized(series, "question", "ky") == "How?"
    Row = collections.namedtuple("Row", "name_ky name_ru name_en")
    assert localized(Row(None, "Р", None), "name", "en") == "Р"
    frame = pd.DataFrame({"name_ky": [None], "name_ru": [None], "name_en": ["E"]})
    assert localized(next(frame.itertuples()), "name", "ru") == "E"
