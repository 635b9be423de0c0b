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


RU_FORMS = "{count:plural:one=# программа|few=# программы|many=# программ|other=# программы}"


def test_plural_forms_follow_russian():
    from sapat.i18n import plural

    forms = {"one": "# программа", "few": "# программы", "many": "# программ"}
    shown = {n: plural(n, forms, "ru") for n in (1, 2, 5, 21, 22, 25, 11, 111)}
    assert shown == {
        1: "1 программа",
        2: "2 программы",
        5: "5 программ",
        21: "21 программа",
        22: "22 программы",
        25: "25 программ",
        11: "11 программ",
        111: "111 программ",
    }
    assert plural(1234, forms, "ru") == "1\u202f234 программы"  # the number as Russian writes it


def test_plural_forms_follow_english_and_kyrgyz():
    from sapat.i18n import plural, plural_category

    forms = {"one": "# programme", "other": "# programmes"}
    assert [plural(n, forms, "en") for n in (1, 2, 0)] == [
        "1 programme",
        "2 programmes",
        "0 programmes",
    ]
    # Kyrgyz: a noun after a numeral stays singular; its catalogs need no plural forms.
    assert [plural_category(n, "ky") for n in (2, 5, 21)] == ["other"] * 3
    assert plural_category("1\xa0021", "ru") == "one"  # a count already written out
    assert plural_category("n/a", "ru") == plural_category(None, "ru") == "other"


def test_translate_fills_plural_forms(monkeypatch):
    from sapat import i18n

    texts = {"x.count": f"Всего: {RU_FORMS} на {{faculty}}", "x.plain": "{count} шт."}
    monkeypatch.setattr(i18n, "catalog", lambda lang: texts)
    assert translate("x.count", "ru", count=21, faculty="ФМИТ") == "Всего: 21 программа на ФМИТ"
    assert translate("x.count", "ru", count="2", faculty="ФМИТ") == "Всего: 2 программы на ФМИТ"
    assert translate("x.plain", "ru", count=5) == "5 шт."
    # A missing count leaves the text as it is rather than raising.
    assert translate("x.count", "ru", faculty="ФМИТ") == texts["x.count"]


def test_catalog_texts_read_right_for_one_and_many():
    assert translate("ui.rows_shown", "en", count=1) == "1 row"
    assert translate("ui.rows_shown", "en", count=2) == "2 rows"
    assert translate("alert.kpis_off_track", "en", count=1) == "1 KPI is off target"
    assert translate("rankings_import.guarded_title", "ru", count=21).endswith("(21 строка)")
    assert translate("rankings_import.guarded_title", "ru", count=22).endswith("(22 строки)")
    assert translate("rankings_import.guarded_title", "ru", count=25).endswith("(25 строк)")


PLURAL_FIELD = re.compile(r"\{(\w+):plural:([^{}]*)\}")


def test_plural_forms_in_catalogs_are_well_formed():
    """Each form is ``category=text``, of a category the language has, and no count is
    left without a form: "other" serves the categories not given."""
    from babel import Locale

    for lang in LANGUAGES:
        categories = set(Locale.parse(lang).plural_form.tags) | {"other"}
        for key, text in catalog(lang).items():
            for _, spec in PLURAL_FIELD.findall(text):
                forms = dict(part.split("=", 1) for part in spec.split("|"))
                assert set(forms) <= categories, (lang, key, set(forms) - categories)
                assert "other" in forms or set(forms) >= categories - {"other"}, (lang, key)
            assert "(s)" not in text and "(ы)" not in text, (lang, key)
