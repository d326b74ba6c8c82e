"""The programs measured: how each is started (a clean environment) and `frontdesk serve`."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from desk_bench.common import SSH_VALUE


def install_kind() -> str:
    """Which frontdesk this python runs: "wheel" (site-packages) or "editable/source"."""
    import importlib.util

    spec = importlib.util.find_spec("frontdesk")
    origin = spec.origin if spec is not None and spec.origin else "?"
    kind = "wheel" if "site-packages" in origin else "editable/source"
    nobytecode = (
        " (PYTHONDONTWRITEBYTECODE set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    )
    return f"{kind}: {Path(origin).parent}{nobytecode if kind != 'wheel' else ''}"


def frontdesk_command() -> list[str]:
    script = Path(sys.executable).parent / "frontdesk"
    if script.exists():
        return [str(script), "--db", ":memory:"]
    return [sys.executable, "-m", "frontdesk", "--db", ":memory:"]


EXTRA_APP_ENV: dict[str, str] = {}  # --app-env: experiments (e.g. MALLOC_ARENA_MAX=2)


def write_script(
    workdir: Path,
    name: str,
    argv: list[str],
    *,
    ssh: bool,
    python_flags: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Path:
    """A launcher: a clean environment, then `exec` (the pane's pid stays the program's)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(workdir)),
        "TERM": "xterm-256color",
        "LANG": "pt_BR.UTF-8",
        "TZ": "America/Sao_Paulo",
        # No profile or data file of the user's can change what starts.
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_DATA_HOME": str(workdir / "data"),
        "XDG_CACHE_HOME": str(workdir / "cache"),
    }
    if ssh:
        env["SSH_CONNECTION"] = SSH_VALUE
    env.update(extra_env or {})
    if python_flags:
        argv = [sys.executable, *python_flags, *argv]
    assignments = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items())
    body = f"#!/bin/sh\nexec env -i {assignments} {' '.join(shlex_quote(a) for a in argv)}\n"
    path = workdir / f"{name}.sh"
    path.write_text(body)
    path.chmod(0o755)
    return path


def shlex_quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


@contextlib.contextmanager
def served_backend(workdir: Path, db: str = ":memory:") -> Iterator[tuple[str, str]]:
    """`frontdesk serve --db DB` on a free loopback port: (base URL, API key)."""
    key = "bench-" + os.urandom(12).hex()
    log = (workdir / "serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "serve",
            "--db",
            db,
            "--port",
            "0",
            "--no-access-log",
            "--api-key",
            key,
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            found = re.search(r"(?:serving on|atendendo em) (http://\S+)/v1", line)
            url = found.group(1) if found else None
        if url is None:
            raise RuntimeError("frontdesk serve did not start (see serve.log)")
        yield url, key
    finally:
        process.send_signal(signal.SIGINT)  # SIGINT: uvicorn's graceful stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
