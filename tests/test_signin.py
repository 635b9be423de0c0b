"""AppTest of the sign-in gate and roles: who sees what, by menu and by URL."""

from __future__ import annotations

import tomllib

import duckdb
import pytest

from pipelines.cli import main
from sapat import auth
from sapat.i18n import catalog
from tests.conftest import PASSWORD, ROOT, app_test, ensure_accounts

EN = catalog("en")


@pytest.fixture
def warehouse(db_path, env_db):
    """An empty warehouse with the test accounts, used by the app through $SAPAT_DB."""
    env_db(db_path)
    ensure_accounts(db_path)
    return db_path


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [h.value for h in at.header] + [h.value for h in at.title]
    return "\n".join(str(p) for p in parts)


def _sign_in(at, username: str, password: str):
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


def test_a_visitor_sees_only_the_sign_in_form(warehouse):
    at = app_test(user=None, lang="en").run()
    assert not at.exception
    assert [t.value for t in at.title] == [EN["auth.sign_in_title"]]
    assert len(at.text_input) == 2
    assert EN["ui.overview_title"] not in _texts(at)
    assert not at.metric  # no number of the university shows before signing in


def test_wrong_password_is_refused_and_right_one_opens_the_overview(warehouse):
    at = app_test(user=None, lang="en").run()
    _sign_in(at, "viewer", "not the password")
    assert [e.value for e in at.error] == [EN["auth.wrong_credentials"]]
    assert "user" not in at.session_state or not at.session_state["user"]
    _sign_in(at, "Viewer", PASSWORD)  # user names are not case-sensitive
    assert not at.exception
    assert at.session_state["user"] == "viewer"
    assert EN["ui.overview_title"] in _texts(at)
    assert any(EN["auth.signed_in_as"].split(":")[0] in c.value for c in at.sidebar.caption)


def test_sign_in_is_throttled_after_five_failures(warehouse):
    at = app_test(user=None, lang="en").run()
    for _ in range(auth.MAX_FAILURES):
        _sign_in(at, "editor", "wrong password!")
    _sign_in(at, "editor", PASSWORD)  # even the right password, for a while
    assert "user" not in at.session_state or not at.session_state["user"]
    [error] = at.error
    assert error.value.startswith(EN["auth.throttled"].split("{")[0])


@pytest.mark.parametrize(
    ("user", "page", "allowed"),
    [
        ("viewer", "pages/data.py", False),
        ("viewer", "pages/admin.py", False),
        ("editor", "pages/data.py", True),
        ("editor", "pages/admin.py", False),
        ("admin", "pages/data.py", True),
        ("admin", "pages/admin.py", True),
        ("viewer", "pages/rankings.py", True),
    ],
)
def test_each_role_reaches_only_its_pages_even_by_url(warehouse, user, page, allowed):
    at = app_test(user=user, lang="en").run()
    assert not at.exception
    if not allowed:
        # The page is not registered for this role, so its URL leads nowhere.
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
        return
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error


def test_an_editor_chooses_only_datasets_of_their_groups(warehouse):
    at = app_test(user="editor", lang="en").run()
    at.switch_page("pages/data.py").run()
    options = at.selectbox(key="data_dataset").options
    assert EN["dataset.mobility"] in options and EN["dataset.ranking_results"] in options
    assert EN["dataset.accreditations"] not in options
    assert EN["dataset.kpi_values"] not in options


def test_deactivation_signs_the_user_out_on_their_next_click(warehouse):
    at = app_test(user="editor", lang="en").run()
    assert EN["ui.overview_title"] in _texts(at)
    conn = duckdb.connect(str(warehouse))
    auth.deactivate(conn, "editor", by="admin")
    conn.close()
    at.run()
    assert [t.value for t in at.title] == [EN["auth.sign_in_title"]]
    assert EN["auth.account_inactive"] in _texts(at)


def test_a_page_reads_the_roles_afresh_on_every_run(warehouse):
    at = app_test(user="editor", lang="en").run()
    at.switch_page("pages/data.py").run()
    assert EN["dataset.mobility"] in at.selectbox(key="data_dataset").options
    conn = duckdb.connect(str(warehouse))
    auth.set_roles(conn, "editor", ["viewer"], by="admin")
    conn.close()
    at.run()  # the editor's next click: no longer an editor
    assert [e.value for e in at.error] == [EN["auth.forbidden"]]
    assert not at.get("file_uploader")


def test_sign_out_returns_to_the_form(warehouse):
    at = app_test(user="viewer", lang="en").run()
    at.sidebar.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == [EN["auth.sign_in_title"]]


def test_admin_adds_a_user_whose_password_is_shown_once(warehouse):
    at = app_test(user="admin", lang="en").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    at.text_input(key="admin_new_name").input("aigerim.t")
    at.text_input(key="admin_new_display").input("Айгерим Т.")
    roles = at.multiselect(key="admin_new_roles")
    assert roles.value == ["viewer"]  # the safe default
    roles.set_value(["editor:accreditation"])
    at.button(key="FormSubmitter:add_user-" + EN["admin.add"]).click().run()
    assert not at.exception
    [code] = at.code
    password = code.value
    conn = duckdb.connect(str(warehouse))
    user = auth.authenticate(conn, "aigerim.t", password)
    assert user is not None and user.roles == ("editor:accreditation",)
    assert user.display_name == "Айгерим Т."
    (stored,) = conn.execute(
        "SELECT password_hash FROM users WHERE username = 'aigerim.t'"
    ).fetchone()
    conn.close()
    assert stored.startswith("$argon2") and password not in stored
    at.run()  # the next interaction no longer shows it
    assert not at.code


def test_admin_deactivates_and_sees_it_in_the_audit_log(warehouse):
    at = app_test(user="admin", lang="en").run()
    at.switch_page("pages/admin.py").run()
    at.selectbox(key="admin_account").set_value("viewer").run()
    at.button(key="admin_deactivate").click().run()
    assert not at.exception
    conn = duckdb.connect(str(warehouse))
    assert auth.get_user(conn, "viewer").active is False
    conn.close()
    audit = at.dataframe[1].value  # users, then the audit log
    assert audit.columns.tolist()[:3] == [
        EN["admin.col_at"],
        EN["admin.col_user"],
        EN["admin.col_action"],
    ]
    assert audit.iloc[0, 1:].tolist() == ["admin", EN["admin.action_user_deactivated"], "viewer"]
    # An administrator cannot lock themself out.
    at.selectbox(key="admin_account").set_value("admin").run()
    assert at.button(key="admin_deactivate").disabled


def test_admin_takes_a_backup_while_the_app_runs(warehouse):
    at = app_test(user="admin", lang="en").run()
    at.switch_page("pages/admin.py").run()
    backup_button = next(b for b in at.button if b.label == EN["admin.backup_now"])
    backup_button.click().run()
    assert not at.exception
    assert any(s.value.startswith("Backup sapat-") for s in at.success)
    assert list((warehouse.parent / "backups").glob("sapat-*.duckdb"))


def test_error_details_are_off_for_users():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] <= 50


@pytest.mark.parametrize(
    ("email", "roles"),
    [
        ("rector@uni.kg", ("viewer",)),
        ("Rankings@Uni.kg", ("editor:rankings",)),
        ("someone@uni.kg", ("viewer",)),
        ("someone@gmail.com", ()),
        ("not an address", ()),
        ("boss@uni.kg", ("admin",)),
    ],
)
def test_single_sign_on_roles_come_from_the_address_then_the_domain(email, roles):
    mapping = {
        "*@uni.kg": ["viewer"],
        "rankings@uni.kg": ["editor:rankings"],
        "rector@uni.kg": "viewer",
        "boss@uni.kg": ["admin", "superuser"],  # unknown roles are dropped
    }
    assert auth.roles_for_email(email, mapping) == roles


def test_first_admin_is_created_once_with_a_printed_password(db_path, capsys):
    assert main(["users", "first-admin", "--db", str(db_path)]) == 0
    printed = capsys.readouterr().out
    password = printed.split("password:")[1].split()[0]
    conn = duckdb.connect(str(db_path))
    assert auth.authenticate(conn, "admin", password).roles == ("admin",)
    conn.close()
    assert main(["users", "first-admin", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out == ""  # accounts exist: nothing created, nothing shown
