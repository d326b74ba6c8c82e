"""Fixtures for the setup layer: an isolated home, test keyrings, served backends (HTTP, HTTPS)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.config import texts
from isolation import isolate_home, served_backend, swapped_keyring
from memory_keyring import MemoryKeyring

from .helpers import SERVED_KEY, Home, Served


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    """Every test gets its own HOME, XDG dirs, config file and in-memory keyring."""
    root = tmp_path / "home"
    config = isolate_home(root, monkeypatch, unset=("SSH_CONNECTION", "SSH_TTY", "NO_COLOR"))
    texts.set_language("pt")
    with swapped_keyring(MemoryKeyring()) as memory:
        yield Home(
            root=root,
            config=config,
            keys=config.parent / "keys",
            state=root / ".local" / "state",
            data=root / ".local" / "share",
            keyring=memory,
        )
    texts.set_language(None)


@pytest.fixture(scope="session")
def served_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`frontdesk serve` on a loopback port, plain HTTP."""
    with served_backend(tmp_path_factory.mktemp("served-http")) as url:
        yield Served(url=url, key=SERVED_KEY)


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
    with served_backend(
        tmp_path_factory.mktemp("served-https"),
        "--tls-cert",
        str(tls_files["cert"]),
        "--tls-key",
        str(tls_files["key"]),
    ) as url:
        yield Served(url=url, key=SERVED_KEY, ca=tls_files["ca"])
