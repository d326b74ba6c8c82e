"""The local TISS operator in this process: the TISS demonstration's backend, offline.

`embedded_operator` opens the local backend (demo data), builds its HTTP app with a fresh
key, and returns what a TISS counter needs of it: a TISS transport that posts into the app
in this process (no socket, no httpx), the settings that name the local operator (registro
ANS 999999, the demo clinic's code 123456 and CNES, 6-digit codes), the password, and the
simulator's client (the patient's app, the SAC, the clock) over the same app.
`demo_exports_into` writes the demo clinic's practice-system exports when a folder has none.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from frontdesk.backend.clock import Clock
from frontdesk.backend.local import open_backend
from frontdesk.backend.server import create_app
from frontdesk.backend.service import LocalBackend
from frontdesk.client.asgi import AsgiSession
from frontdesk.client.client import FrontdeskClient
from frontdesk.core.asgi import ASGIApp
from frontdesk.local.embedded_client import EMBEDDED_URL

if TYPE_CHECKING:
    from frontdesk.config.tiss_reading import Clinic
    from frontdesk.tiss.tiss_settings import TissSettings
    from frontdesk.tiss.transport import HttpReply

LOCAL_BASE: Final = "http://127.0.0.1"
"""The local operator's address in this process (never a socket: the transport is direct)."""
DEMO_OPERATOR: Final = "Operadora Demonstração"


class AsgiTissTransport:
    """`frontdesk.tiss.transport.Transport` over an ASGI app in this process."""

    def __init__(self, app: ASGIApp) -> None:
        self.session = AsgiSession(app, "http://127.0.0.1")

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        from urllib.parse import urlsplit

        from frontdesk.tiss.transport import HttpReply

        answer = await self.session.request(
            "POST", urlsplit(url).path, headers=dict(headers), content=body
        )
        return HttpReply(answer.status_code, answer.headers.get("content-type"), answer.content)

    async def aclose(self) -> None:
        await self.session.aclose()


def local_tiss_url(version: str, base: str = LOCAL_BASE) -> str:
    """The URL template of the local operator (in this process, or `frontdesk serve`'s at
    `base`) in `version`: `{base}/v1/tiss/v4.03.00/{operation}`."""
    return f"{base}/v1/tiss/v{version}/{{operation}}"


@dataclass
class EmbeddedOperator:
    backend: LocalBackend
    settings: TissSettings
    password: str
    transport: AsgiTissTransport
    simulator: FrontdeskClient


def embedded_operator(
    db: str | Path | None = ":memory:",
    *,
    clock: Clock | None = None,
    deterministic: bool = False,
    backend: LocalBackend | None = None,
    tiss_versions: Sequence[str] | None = None,
    version: str | None = None,
) -> EmbeddedOperator:
    """The local TISS operator on `db` (None: the user data directory's database), accepting
    `tiss_versions` (None: every version frontdesk has schemas for), spoken to in `version`
    (None: `frontdesk.tiss.VERSION`)."""
    from frontdesk.backend.tiss.exports import CNES
    from frontdesk.backend.tiss.identity import PRESTADOR_CODE, REGISTRO_ANS
    from frontdesk.tiss import VERSION
    from frontdesk.tiss.tiss_settings import TissSettings

    version = version or VERSION

    backend = backend or open_backend(db, clock=clock, deterministic=deterministic)
    key = secrets.token_urlsafe(24)
    app = create_app(backend, api_key=key, log_access=False, tiss_versions=tiss_versions)
    settings = TissSettings(
        url=local_tiss_url(version),
        registro_ans=REGISTRO_ANS,
        prestador_kind="codigo",
        prestador=PRESTADOR_CODE,
        operator=DEMO_OPERATOR,
        cnes=CNES,
        code_length=backend.policy.code_length,
        retries=0,
        version=version,
    )
    simulator = FrontdeskClient(EMBEDDED_URL, api_key=key, asgi_app=app, retries=0)
    return EmbeddedOperator(backend, settings, key, AsgiTissTransport(app), simulator)


def demo_exports_into(backend: LocalBackend, folder: Path) -> list[Path]:
    """The demo clinic's exports written into `folder`, unless it holds XML files already."""
    from frontdesk.backend.tiss.exports import write_demo_exports

    if folder.is_dir() and any(p.suffix.lower() == ".xml" for p in folder.iterdir()):
        return []
    return write_demo_exports(backend.store, backend.clock.now(), folder)


def demo_clinic() -> Clinic:
    """The demo clinic's fixed data, as its TISS profile would hold it."""
    from frontdesk.backend.demo import PROVIDER
    from frontdesk.backend.tiss.exports import DENTIST, PHYSICIAN
    from frontdesk.config.tiss_reading import Clinic

    return Clinic(
        name=PROVIDER[1],
        professional_name=PHYSICIAN.name,
        professional_council=PHYSICIAN.council,
        professional_number=PHYSICIAN.number,
        professional_uf=PHYSICIAN.uf,
        professional_cbo=PHYSICIAN.cbos,
        dentist_code=DENTIST.code,
        dentist_cro=DENTIST.cro,
        dentist_uf=DENTIST.uf,
        dentist_cbo=DENTIST.cbos,
    )
