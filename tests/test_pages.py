"""AppTest of what every dashboard page owes its users: each tab in each language."""

from sapat.i18n import catalog
from tests.app_kit import open_page, untranslated


def test_every_tab_speaks_the_language(demo_db, env_db):
    env_db(demo_db)
    pages = {
        "pages/mobility.py": (
            "mobility_tab",
            [f"ui.mobility_tab_{k}" for k in ("trends", "countries", "credits", "ratios", "flags")],
        ),
        "pages/agreements.py": (
            "agreements_tab",
            [f"ui.agreements_tab_{k}" for k in ("register", "expiring", "map", "use")],
        ),
        "pages/rankings.py": (
            "ranking_tab",
            [f"ui.tab_{k}" for k in ("position", "indicators", "peers", "whatif", "agency")],
        ),
    }
    for lang in ("ky", "ru"):
        words = catalog(lang)
        for page, (key, tabs) in pages.items():
            for tab in tabs:
                at = open_page(page, lang=lang, state={key: words[tab]})
                assert not untranslated(at), (page, tab, untranslated(at))
