"""`pipelines init` and `status`: a real university's empty warehouse, and what one holds."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from sapat import db, identity
from tests.conftest import ROOT

KNU = [
    "--name-ky", "Жусуп Баласагын атындагы Кыргыз улуттук университети",
    "--name-ru", "Кыргызский национальный университет им. Ж. Баласагына",
    "--name-en", "Kyrgyz National University named after J. Balasagyn",
    "--short-ky", "КУУ", "--short-ru", "КНУ", "--short-en", "KNU",
    "--city", "Bishkek", "--country", "Kyrgyzstan",
]  # fmt: skip
# A 1×1 PNG, as a real writer makes it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess:
    env = {**os.environ, "SAPAT_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


def test_init_makes_an_empty_real_warehouse_with_the_home_university(tmp_path):
    path = tmp_path / "knu.duckdb"
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    out = _cli("init", "--db", str(path), *KNU, "--logo", str(logo), lang="ky")
    assert out.returncode == 0, out.stderr
    assert "Жусуп Баласагын атындагы Кыргыз улуттук университети" in out.stdout
    assert "admin" in out.stdout and "make run DB=" in out.stdout
    conn = duckdb.connect(str(path), read_only=True)
    assert not db.is_demo(conn)
    uni = identity.get(conn)
    assert uni.short_ru == "КНУ" and uni.logo == PNG and uni.logo_type == "image/png"
    home = conn.execute("SELECT name, aliases, is_home FROM institutions").fetchall()
    assert len(home) == 1 and home[0][0] == "Kyrgyz National University named after J. Balasagyn"
    assert "КНУ" in home[0][1] and home[0][2]
    assert conn.execute("SELECT count(*) FROM ranking_systems").fetchall()[0][0] > 10
    for table in ("mobility", "ranking_results", "agreements", "upload_batches"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)], table
    assert conn.execute("SELECT username FROM users").fetchall() == [("admin",)]
    assert conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'university_set'"
    ).fetchall() == [(1,)]
    conn.close()


def test_init_refuses_an_existing_warehouse_and_touches_nothing(tmp_path):
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    before = path.read_bytes()
    out = _cli("init", "--db", str(path), *KNU)
    assert out.returncode == 2 and "already exists" in out.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("logo", "expected"),
    [
        (None, "missing in: name_ru"),
        (b"GIF89a" + bytes(20), "not a PNG"),
        (b"\x89PNG\r\n\x1a\n" + bytes(1_000_001), "at most 1000 KB"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "scripts"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "scripts"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<a x:href="https://evil.example/"><rect/></a></svg>',
            "external references",
        ),
        ("missing-file", "cannot be read"),
    ],
)
def test_init_refuses_bad_names_and_logos_and_creates_nothing(tmp_path, logo, expected):
    path = tmp_path / "w.duckdb"
    args = list(KNU)
    if logo is None:
        args[args.index("--name-ru") + 1] = "  "
    elif logo == "missing-file":
        args += ["--logo", str(tmp_path / "nope.png")]
    else:
        (tmp_path / "logo").write_bytes(logo)
        args += ["--logo", str(tmp_path / "logo")]
    out = _cli("init", "--db", str(path), *args)
    assert out.returncode == 2, out.stdout
    assert expected in out.stderr and "Traceback" not in out.stderr
    assert list(tmp_path.glob("*.duckdb*")) == []


def test_a_plain_svg_logo_is_accepted():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
    svg += b'<rect fill="url(#g)" width="2" height="2"/></svg>'
    assert identity.logo_kind(svg) == "image/svg+xml"


def test_demo_refuses_a_warehouse_made_by_init(tmp_path):
    path = tmp_path / "knu.duckdb"
    assert _cli("init", "--db", str(path), *KNU).returncode == 0
    before = path.read_bytes()
    for force in ((), ("--force",)):
        out = _cli("demo", "--db", str(path), *force)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert "made by init" in out.stderr
        assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_status_names_the_university_and_each_dataset(tmp_path, demo_db):
    path = tmp_path / "knu.duckdb"
    _cli("init", "--db", str(path), *KNU)
    out = _cli("status", "--db", str(path), lang="ru")
    assert out.returncode == 0, out.stderr
    assert "Кыргызский национальный университет им. Ж. Баласагына" in out.stdout
    assert "Версия данных" in out.stdout
    copy = tmp_path / "demo.duckdb"  # this test process may hold the shared demo file
    shutil.copy(demo_db, copy)
    demo = _cli("status", "--db", str(copy))
    assert "demo" in demo.stdout.splitlines()[0]
    mobility = next(
        line for line in demo.stdout.splitlines() if line.startswith("Academic mobility")
    )
    assert "demo" in mobility and "…" in mobility  # rows, last upload by demo, years range
    assert _cli("status", "--db", str(tmp_path / "none.duckdb")).returncode == 2
