"""The web texts exist in both languages; the server process loads neither Textual nor Rich."""

from __future__ import annotations

import re
import string
import subprocess
import sys
import textwrap
from pathlib import Path

from frontdesk.core import i18n

SOURCES = [
    *Path(i18n.__file__).parents[1].parent.joinpath("web").rglob("*.py"),
    *Path(i18n.__file__).parents[1].parent.joinpath("web", "templates").glob("*.html"),
    Path(i18n.__file__).parents[1].parent / "cli" / "web.py",
]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_web_text_has_both_languages_with_the_same_placeholders() -> None:
    catalog = i18n.catalog("web")
    assert i18n.catalog_name("web.login.title") == "web"
    for key, (pt, en) in catalog.items():
        assert key.startswith("web."), key
        assert pt.strip() and en.strip(), key
        assert _fields(pt) == _fields(en), key


def test_every_key_the_web_code_uses_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(r'\b(?:t|tx)\(\s*"(web\.[a-z_.]+)"')
    for path in SOURCES:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    for path in SOURCES:  # keys chosen from a table: "web.ended.elsewhere", ...
        used |= set(re.findall(r'"(web\.[a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 40, "the scan found too little"
    assert sorted(k for k in used if k not in i18n.catalog("web")) == []


SERVER_PROCESS = """
import asyncio, sys, time
from frontdesk.cli import build_parser
from frontdesk.cli.web import run
from frontdesk.audit_log import AuditLog
from frontdesk.web.guard import LoginGuard
from frontdesk.web.server import Settings, WebServer
from frontdesk.web.throttle import DeviceCookies
from frontdesk.web.users import UserStore
import frontdesk.web.http, frontdesk.web.app_process

async def build():
    devices = DeviceCookies(bytes(32), now=time.time)
    server = WebServer(Settings(), guard=LoginGuard(UserStore()), audit=AuditLog(), devices=devices)
    server.application()

asyncio.run(build())
import json
print(json.dumps(sorted(sys.modules)))
"""


def test_the_server_process_loads_neither_textual_nor_rich(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SERVER_PROCESS)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules = set(__import__("json").loads(done.stdout.splitlines()[-1]))
    assert {"aiohttp", "textual_serve.app_service", "frontdesk.web.server"} <= modules
    tops = sorted({m.split(".")[0] for m in modules} & {"textual", "rich"})
    assert tops == []
    assert "jinja2" in modules  # the pages' templates (web/pages.py)
    assert "textual_serve.server" not in modules  # it imports Rich for its console
