"""Fixtures for the setup layer: an isolated home, test keyrings, served backends (HTTP, HTTPS)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from frontdesk.config import texts

from .helpers import SERVED_KEY, Home, MemoryKeyring, Served

_SERVING = re.compile(r"serving on (https?://\S+/v1)")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    """Every test gets its own HOME, XDG dirs, config file and in-memory keyring."""
    root = tmp_path / "home"
    root.mkdir()
    for name, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(name, str(root / sub) if sub else str(root))
    config = root / ".config" / "frontdesk" / "config.toml"
    monkeypatch.setenv("FRONTDESK_CONFIG", str(config))
    for name in ("FRONTDESK_API_KEY", "FRONTDESK_PROFILE", "SSH_CONNECTION", "SSH_TTY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    texts.set_language("pt")
    memory = MemoryKeyring()
    previous = keyring.core._keyring_backend
    keyring.set_keyring(memory)
    yield Home(
        root=root,
        config=config,
        keys=config.parent / "keys",
        state=root / ".local" / "state",
        data=root / ".local" / "share",
        keyring=memory,
    )
    keyring.core._keyring_backend = previous
    texts.set_language(None)


def _serve(tmp: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp / name.lower())
    env["HOME"] = str(tmp)
    env.pop("FRONTDESK_API_KEY", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp / "backend.sqlite3"),
            "--api-key",
            SERVED_KEY,
            "--no-access-log",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = _SERVING.search(line)
    if not found:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"serve did not start: {line!r} {err[-2000:]!r}")
    return process, found.group(1)


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@pytest.fixture(scope="session")
def served_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`frontdesk serve` on a loopback port, plain HTTP."""
    process, url = _serve(tmp_path_factory.mktemp("served-http"))
    try:
        yield Served(url=url, key=SERVED_KEY)
    finally:
        _stop(process)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private CA and a server certificate it signed for 127.0.0.1 and localhost."""
    where = tmp_path_factory.mktemp("tls")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
        "-subj", "/CN=frontdesk test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=where,
    )  # fmt: skip
    _openssl(
        "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
        cwd=where,
    )  # fmt: skip
    (where / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid,issuer\n"
        "subjectKeyIdentifier=hash\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "30", "-extfile", "server.ext",
        cwd=where,
    )  # fmt: skip
    return {"ca": where / "ca.pem", "cert": where / "server.pem", "key": where / "server.key"}


@pytest.fixture(scope="session")
def served_https(
    tmp_path_factory: pytest.TempPathFactory, tls_files: dict[str, Path]
) -> Iterator[Served]:
    """`frontdesk serve --tls-cert --tls-key` on loopback: real TLS with a private CA."""
    process, url = _serve(
        tmp_path_factory.mktemp("served-https"),
        "--tls-cert",
        str(tls_files["cert"]),
        "--tls-key",
        str(tls_files["key"]),
    )
    try:
        yield Served(url=url, key=SERVED_KEY, ca=tls_files["ca"])
    finally:
        _stop(process)
