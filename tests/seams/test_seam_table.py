"""docs/architecture.md's table of private seams, the guards in this folder and the pins in
pyproject.toml say the same: each row names a guard that exists, each guard has a row, and
each library of a row is pinned below its next minor release, the series installed here."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def rows() -> list[dict[str, str]]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Private seams", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in line.strip("|").split(" | ")), strict=True))
        for line in lines[1:]
        if not line.startswith("|---")
    ]


def guards_in_this_folder() -> set[str]:
    found = set()
    for path in sorted(HERE.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.add(f"tests/seams/{path.name}::{node.name}")
    return found


def requirement(library: str) -> str:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for spec in dependencies["project"]["dependencies"]:
        if re.match(rf"{re.escape(library)}\b(?![-_.])", spec, re.IGNORECASE):
            return str(spec)
    raise AssertionError(f"{library} is not in pyproject.toml's dependencies")


def test_the_table_has_the_seams() -> None:
    assert len(rows()) >= 10
    assert {row["library"].split()[0] for row in rows()} == {
        "uvicorn",
        "httpx",
        "textual",
        "textual-serve",
        "Python",
    }


def test_every_row_names_a_guard_and_every_guard_has_a_row() -> None:
    named = [row["guard"].strip("`") for row in rows()]
    assert len(named) == len(set(named)), "a guard is named by two rows"
    assert set(named) == guards_in_this_folder()


@pytest.mark.parametrize(
    "library", sorted({row["library"].split()[0] for row in rows()} - {"Python"})
)
def test_each_library_with_a_seam_is_pinned_below_its_next_minor_release(library: str) -> None:
    spec = requirement(library)
    upper = re.search(r"<(\d+)\.(\d+)(?:,|$)", spec)
    assert upper, f"{spec!r}: a library with a private seam is pinned below a minor release"
    major, minor = int(upper[1]), int(upper[2])
    installed = tuple(int(part) for part in version(library).split(".")[:2])
    assert installed == (major, minor - 1), (
        f"{library} {version(library)} is installed, while {spec!r} was checked against "
        f"{major}.{minor - 1}: run tests/seams/ and move the pin"
    )
    (label,) = {row["library"] for row in rows() if row["library"].split()[0] == library}
    assert label.endswith(f"{major}.{minor - 1}"), (
        f"docs/architecture.md says {label!r}, pyproject.toml {spec!r}"
    )
