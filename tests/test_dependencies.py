"""Every library the code imports is declared in pyproject.toml: `src/` in the dependencies
(what `pip install .` brings) or an optional feature's extra, `tests/` in those and the
`test` extra.

A library that only arrives as another one's dependency (h11 under uvicorn, yarl under
aiohttp) can leave with that one's next release; imported, it is declared. Every import
counts: inside functions and under TYPE_CHECKING too.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def distribution(requirement: str) -> str:
    """The normalised distribution name of a requirement ("PyYAML>=6" -> "pyyaml")."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert name is not None, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def imported(folder: Path) -> Iterator[tuple[str, Path, int]]:
    """(top-level module, file, line) of every absolute import under `folder`."""
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name.partition(".")[0], path, node.lineno
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield node.module.partition(".")[0], path, node.lineno


def undeclared(folder: Path, declared: set[str], local: Iterable[str]) -> list[str]:
    """Each import under `folder` of a library not in `declared`, with where it is."""
    owners = packages_distributions()
    skip = set(sys.stdlib_module_names) | set(local) | {"frontdesk"}
    problems = []
    for module, path, line in imported(folder):
        if module in skip:
            continue
        where = f"{path.relative_to(ROOT)}:{line}"
        found = {distribution(name) for name in owners.get(module, ())}
        if not found:
            problems.append(f"{where}: {module} (installed by no distribution here)")
        elif not found & declared:
            problems.append(f"{where}: {module} (from {', '.join(sorted(found))})")
    return problems


def test_every_library_src_imports_is_a_declared_dependency() -> None:
    """A dependency, or in an extra of an optional feature (`postgres`), never only in the
    test extra: what `pip install .[feature]` brings is what the code may import."""
    extras = PROJECT["optional-dependencies"]
    features = [r for name, reqs in extras.items() if name != "test" for r in reqs]
    declared = {distribution(r) for r in [*PROJECT["dependencies"], *features]}
    problems = undeclared(ROOT / "src" / "frontdesk", declared, ())
    assert not problems, "imported but not declared for users:\n" + "\n".join(problems)


def test_every_library_the_tests_import_is_declared_for_them() -> None:
    extras = PROJECT["optional-dependencies"]["test"]
    declared = {distribution(r) for r in [*PROJECT["dependencies"], *extras]}
    tests = ROOT / "tests"
    local = {p.stem for p in tests.rglob("*.py")} | {p.name for p in tests.rglob("*") if p.is_dir()}
    problems = undeclared(tests, declared, local)
    assert not problems, "imported by tests but not declared:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("requirement", "name"), [("PyYAML>=6", "pyyaml"), ("textual_serve", "textual-serve")]
)
def test_requirement_names_are_normalised(requirement: str, name: str) -> None:
    assert distribution(requirement) == name
