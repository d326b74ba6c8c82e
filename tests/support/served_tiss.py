"""A TISS counter on the local operator of a real `frontdesk serve`: the served backend (its
URL and database), the practice system's demo exports, and the profile that points at them.
tests/app's served and tmux tests of the TISS counter and of F9 share it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from frontdesk.cli import main
from frontdesk.tiss import VERSION as LOCAL_VERSION  # the local operator's
from support.isolation import start_serve, stop_serve


@dataclass
class ServedBackend:
    """A `frontdesk serve` this suite started."""

    url: str  # ends in /v1
    db: Path


@contextmanager
def served_backend_in(folder: Path) -> Iterator[ServedBackend]:
    """`frontdesk serve` with its database in `folder`, stopped at the end."""
    process, url = start_serve(folder)
    try:
        yield ServedBackend(url, folder / "backend.sqlite3")
    finally:
        stop_serve(process)


def tiss_profile(
    name: str, served: ServedBackend, folder: Path, **extra: str | int | list[str]
) -> str:
    """`[profiles.NAME]`: a TISS profile on `served`'s local operator, its exports the demo
    files (written by `frontdesk tiss demo-files` into `folder`/entrada, once) and its
    write-backs in `folder`/retorno; `extra` keys added or replaced."""
    entrada = folder / "entrada"
    if not entrada.exists():
        assert main(["tiss", "demo-files", str(entrada), "--db", str(served.db)]) == 0
    profile = {
        "kind": "tiss",
        "operator": "Operadora Demonstração",
        "url": f"{served.url}/tiss/v{LOCAL_VERSION}/{{operation}}",
        "tiss_version": LOCAL_VERSION,
        "registro_ans": "999999",
        "prestador_type": "codigo",
        "prestador": "123456",
        "cnes": "1234567",
        "code_length": 6,
        "app_name": "App Demonstração",
        "sac_phones": ["0800 000 0000"],
        "import_folder": str(entrada),
        "export_folder": str(folder / "retorno"),
        **extra,
    }
    return tomlkit.dumps({"profiles": {name: profile}})
