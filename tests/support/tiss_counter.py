"""What the TISS counter's tests share (tests/counter's service tests, tests/app's screens):
a switch between the TISS client and the operator that fails on demand, and the check of a
guide written back for the clinic's system."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from frontdesk.counter.guides import TissGuide
from frontdesk.tiss.hashing import message_hash, same_hash
from frontdesk.tiss.message import text
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.soap import fault_envelope
from frontdesk.tiss.transport import HttpReply, TransportFailure
from support.tiss_files import compact, given_hash, independent_hash, padrao


class Switch:
    """Between the TISS client and the operator. `mode` "ok" passes each call on; "down"
    fails as a network does; any other mode is a SOAP fault's answer, its first word the
    fault's code and the rest its text ("VersaoInvalida 4.01.00 apenas")."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.mode = "ok"

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        if self.mode == "ok":
            reply: HttpReply = await self.inner.post(url, body, headers)
            return reply
        if self.mode == "down":
            raise TransportFailure("connection refused", sent=False)
        code, _, said = self.mode.partition(" ")
        return HttpReply(500, "text/xml", fault_envelope(code, said or "refused"))

    async def aclose(self) -> None:
        await self.inner.aclose()


def written_back(guide: TissGuide, version: str = "4.03.00") -> etree._Element:
    """The guide's file written back: in `version` (the export's), valid in it, compact, and
    hashed as item 115 reads by frontdesk's reading and by an independent one."""
    assert guide.tiss.write_state == "written" and guide.tiss.written is not None
    data = Path(guide.tiss.written).read_bytes()
    root = etree.fromstring(data)
    assert padrao(data) == version and errors_of(root, version) == ()
    assert same_hash(text(root, "epilogo", "hash") or "", message_hash(root))
    assert compact(data) and independent_hash(data) == given_hash(data)
    return root
