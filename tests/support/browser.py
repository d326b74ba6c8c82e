"""Driving `frontdesk web` in a real Chromium: the browser tests' and bench/web.py's helpers.

The browser is the system's (Debian's `chromium`, or FRONTDESK_CHROMIUM), driven by
Playwright from PyPI; `playwright install` (a browser download) is never needed. The desk is
drawn by xterm.js on a canvas, so its text is not in the page: `expose_terminal` serves the
page a textual.js that also hands its xterm.js `Terminal` to `window.__fdTerminal`, and
`screen` reads the rows from its buffer (what is drawn is what is in the buffer).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.isolation import STARTED, stop_process

CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container: Chromium's sandbox needs user namespaces
    # A closed network: without these Chromium tries Google's hosts in the background.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SERVING = re.compile(r"(https?://127\.0\.0\.1:\d+/) ")
_HOOK_FROM = "this.terminal.open(e),"
_HOOK_TO = "this.terminal.open(e),window.__fdTerminal=this.terminal,"

SCREEN_JS = """() => {
  const t = window.__fdTerminal;
  if (!t) return "";
  const rows = [];
  for (let i = 0; i < t.rows; i++) {
    const line = t.buffer.active.getLine(i);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""

WAIT_JS = """(texts) => {
  const t = window.__fdTerminal;
  if (!t) return false;
  let all = "";
  for (let i = 0; i < t.rows; i++) {
    const line = t.buffer.active.getLine(i);
    if (line) all += line.translateToString(true) + "\\n";
  }
  return texts.every((text) => all.includes(text));
}"""


def chromium_path() -> str | None:
    """FRONTDESK_CHROMIUM, else `chromium` or `chromium-browser` on PATH."""
    chosen = os.environ.get("FRONTDESK_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install '.[test]')"
    if chromium_path() is None:
        return "Chromium is not installed (Debian: apt-get install chromium; or FRONTDESK_CHROMIUM)"
    return None


def expose_terminal(page: Any) -> None:
    """Serve `page` a textual.js that exposes its terminal as `window.__fdTerminal`."""

    def patch(route: Any) -> None:
        response = route.fetch()
        body = response.text()
        if _HOOK_FROM not in body:
            raise AssertionError("textual.js changed: the terminal hook no longer applies")
        route.fulfill(response=response, body=body.replace(_HOOK_FROM, _HOOK_TO, 1))

    page.route("**/static/js/textual.js", patch)


def screen(page: Any) -> str:
    """The desk's rows as text."""
    return str(page.evaluate(SCREEN_JS))


def wait_for_screen(page: Any, *texts: str, timeout: float = 30.0) -> str:
    """The desk's rows once they show every one of `texts` (fails after `timeout` seconds,
    showing the screen it had)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(WAIT_JS, arg=list(texts), timeout=timeout * 1000, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"never saw {texts!r}; the screen was:\n{screen(page)}") from None
    return screen(page)


def web_environment(root: Path) -> dict[str, str]:
    """An environment whose HOME, XDG folders and config file are all under `root`."""
    env = dict(os.environ)
    for name, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        env[name] = str(root / sub) if sub else str(root)
    env["FRONTDESK_CONFIG"] = str(root / ".config" / "frontdesk" / "config.toml")
    env["LANG"] = "pt_BR.UTF-8"
    env["TZ"] = "America/Sao_Paulo"
    for name in ("FRONTDESK_PROFILE", "FRONTDESK_API_KEY", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    return env


@dataclass
class WebProcess:
    """A `frontdesk web` the tests started."""

    process: subprocess.Popen[str]
    url: str
    root: Path

    @property
    def users_file(self) -> Path:
        return self.root / ".config" / "frontdesk" / "web-users.json"

    @property
    def audit_file(self) -> Path:
        return self.root / ".local" / "state" / "frontdesk" / "log" / "audit.jsonl"

    def desks(self) -> list[int]:
        """The pids of the server's desks, from /proc: its live children, or (forked desks)
        the children of its fork server; multiprocessing's resource tracker is no desk."""
        found = []
        for pid in children(self.process.pid):
            command = command_line(pid)
            if "multiprocessing.forkserver" in command:
                found += children(pid)
            elif "multiprocessing.resource_tracker" not in command:
                found.append(pid)
        return sorted(found)

    def fork_server(self) -> int | None:
        """The pid of the server's fork server (None: it spawns its desks)."""
        forks = [p for p in children(self.process.pid) if "forkserver" in command_line(p)]
        return forks[0] if forks else None


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def add_user(root: Path, name: str, password: str, *, python: str = sys.executable) -> None:
    subprocess.run(
        [python, "-m", "frontdesk", "web", "users", "add", name],
        input=password + "\n",
        env=web_environment(root),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def web_server(
    root: Path,
    *args: str,
    env_extra: Mapping[str, str] | None = None,
    python: str = sys.executable,
) -> Iterator[WebProcess]:
    """`python -m frontdesk web --port 0 …` with its home in `root`, for the block (`python`:
    another install's interpreter, for a benchmark's baseline)."""
    env = {**web_environment(root), **(env_extra or {})}
    log = (root / "web.log").open("a", encoding="utf-8")  # never a pipe nobody reads
    process = subprocess.Popen(
        [python, "-m", "frontdesk", "web", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=env,
    )
    STARTED.append(process)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = SERVING.search(line)
        if not found:
            process.kill()
            process.communicate(timeout=10)
            err = (root / "web.log").read_text(encoding="utf-8")
            raise AssertionError(f"frontdesk web did not start: {line!r} {err[-2000:]!r}")
        yield WebProcess(process, found.group(1), root)
    finally:
        stop_process(process, grace=30)
        log.close()


async def csrf_of(client: Any, url: str) -> str:
    """The CSRF token of a fresh sign-in form (and its cookie, now in the client's jar)."""
    async with client.get(url + "login") as response:
        text: str = await response.text()
    marker = 'name="csrf" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]
