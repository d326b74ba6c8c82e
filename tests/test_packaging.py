"""The built wheel carries what the installed app needs: styles, the web pages' files, the type
marker, the entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("frontdesk-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_ships_every_stylesheet(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    sheets = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    assert sheets, "styles/ has no .tcss files"
    for sheet in sheets:
        assert f"frontdesk/styles/{sheet}" in names, f"{sheet} is missing from the wheel"


def test_the_wheel_ships_the_web_pages_own_files(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    files = sorted(p.name for p in (ROOT / "src/frontdesk/web/static").iterdir())
    assert {"pages.css", "desk.css", "desk.js"} <= set(files)
    for name in files:
        assert f"frontdesk/web/static/{name}" in names, f"{name} is missing from the wheel"


def test_the_wheel_ships_the_web_pages_templates(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    files = sorted(p.name for p in (ROOT / "src/frontdesk/web/templates").glob("*.html"))
    assert {"page.html", "login.html", "desk.html"} <= set(files)
    for name in files:
        assert f"frontdesk/web/templates/{name}" in names, f"{name} is missing from the wheel"


def test_the_wheel_has_the_console_script_and_type_marker(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "frontdesk/py.typed" in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "frontdesk = frontdesk.cli:main" in wheel.read(entry_points).decode()


def test_the_wheel_carries_no_tests_or_databases(wheel: zipfile.ZipFile) -> None:
    for name in wheel.namelist():
        assert not name.startswith("tests/"), name
        assert not name.endswith((".sqlite3", ".db", ".key")), name


@pytest.mark.parametrize(("version", "count"), [("4.01.00", 20), ("4.02.00", 20), ("4.03.00", 20)])
def test_the_wheel_ships_the_tiss_schemas(wheel: zipfile.ZipFile, version: str, count: int) -> None:
    """Every file of each version's folder, its SHA256SUMS included (19 schemas and the sums)."""
    names = set(wheel.namelist())
    source = ROOT / "src" / "frontdesk" / "tiss" / "schemas" / version
    shipped = sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
    assert len(shipped) == count
    for name in shipped:
        assert f"frontdesk/tiss/schemas/{version}/{name}" in names, f"{name} is missing"
