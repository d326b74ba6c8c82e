"""Helpers for the app's setup tests: an isolated home, an in-memory keyring, a served backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import isolation
from isolation import SERVED_KEY as SERVED_KEY
from memory_keyring import MemoryKeyring


@dataclass
class Home:
    """The isolated directories of one test."""

    root: Path
    config: Path
    state: Path
    keyring: MemoryKeyring

    def write_config(self, text: str) -> Path:
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(text, encoding="utf-8")
        return self.config

    @property
    def audit_file(self) -> Path:
        return self.state / "frontdesk" / "log" / "audit.jsonl"

    def audit_lines(self) -> list[dict[str, Any]]:
        text = self.audit_file.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]


@contextmanager
def served_backend(tmp: Path) -> Iterator[str]:
    """`frontdesk serve --port 0` on loopback (own HOME and XDG dirs, no config file); its URL."""
    with isolation.served_backend(
        tmp, env_extra={"FRONTDESK_CONFIG": str(tmp / "none.toml")}
    ) as url:
        yield url
