"""The layers are said three times, and the three must agree: import-linter's `layers`
contract (what CI checks), the comment above it in pyproject.toml and the package list of
docs/architecture.md (what people read)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def contract_layers() -> list[list[str]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c for c in contracts if c["type"] == "layers"]
    return [[name.strip() for name in layer.split("|")] for layer in layers["layers"]]


def comment_layers() -> list[list[str]]:
    text = PYPROJECT.read_text(encoding="utf-8")
    start = text.index("# The layers, top to bottom")
    comment = text[start : text.index("\n[tool.importlinter]\n", start)]
    said = " ".join(line.lstrip("# ") for line in comment.splitlines())
    order = said[said.index("__main__") : said.index(" (")]
    return [[name.strip() for name in layer.split("|")] for layer in order.split("›")]


def documented_packages() -> list[str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text[text.index("```\ncli/") + 4 :]
    block = block[: block.index("```")]
    return [m.group(1) for m in re.finditer(r"^(\w+)(?:/|\.py)\s", block, re.MULTILINE)]


def test_the_contract_names_every_package_and_the_comment_says_the_same_order() -> None:
    layers = contract_layers()
    assert layers[0] == ["__main__"]
    assert comment_layers() == layers


def test_the_architecture_document_lists_the_packages_in_the_contracts_order() -> None:
    flattened = [name for layer in contract_layers()[1:] for name in layer]
    assert documented_packages() == flattened


def test_every_package_and_module_of_frontdesk_is_in_a_layer() -> None:
    """`exhaustive = true` makes lint-imports say so too; this names the one missing."""
    package = ROOT / "src" / "frontdesk"
    present = {
        p.stem if p.suffix == ".py" else p.name
        for p in package.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").is_file()
    }
    listed = {name for layer in contract_layers() for name in layer}
    assert present == listed
