"""`python -m frontdesk.tiss.schema_worker [VERSION…]`: the process that holds the compiled
TISS schemas for a desk (`checker.WorkerChecker` starts it and is its only client). The
versions named are compiled as soon as it starts (the profile's own: every message goes out
in it), while the desk is still busy with its own start; the others when first asked for.

It reads length-prefixed frames from stdin, each a version, a newline and an XML document;
it parses the document with `safexml.parse_untrusted` (no DTD, no entities, no network),
validates it against that version's schemas (compiled on first use, kept) and answers one
JSON frame: `{"errors": [[line, message], …]}`, or `{"problem": "…"}` for a document or
version it cannot check. It ends when stdin ends (its desk closed it, or died).
"""

from __future__ import annotations

import json
import struct
import sys
from contextlib import suppress
from typing import IO, Final

from frontdesk.tiss.safexml import MAX_XML_BYTES, parse_untrusted
from frontdesk.tiss.schema import found_in, schema
from frontdesk.tiss.tiss_errors import TissError
from frontdesk.tiss.versions import UnknownVersion

_LENGTH: Final = struct.Struct(">I")


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    """One length-prefixed frame, flushed."""
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: IO[bytes], limit: int) -> bytes | None:
    """One frame of at most `limit` bytes (`ValueError` above), or None at the end of the
    stream (`EOFError` when it ends inside a frame)."""
    head = stream.read(_LENGTH.size)
    if not head:
        return None
    head += _read_exactly(stream, _LENGTH.size - len(head))
    (length,) = _LENGTH.unpack(head)
    if length > limit:
        raise ValueError(f"a frame of {length} bytes")
    return _read_exactly(stream, length)


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError("the stream ended inside a frame")
        data += chunk
    return data


def answer(payload: bytes) -> dict[str, object]:
    """What the worker answers for one request frame."""
    version, _, document = payload.partition(b"\n")
    try:
        root = parse_untrusted(document)
        found = found_in(root, version.decode("ascii", "replace"))
    except (TissError, UnknownVersion) as problem:
        return {"problem": f"{type(problem).__name__}: {problem}"[:300]}
    return {"errors": found}


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """Answer every frame of `source` on `sink` until `source` ends."""
    while True:
        payload = read_frame(source, MAX_XML_BYTES + 64)
        if payload is None:
            return
        write_frame(sink, json.dumps(answer(payload)).encode("utf-8"))


def compile_ahead(versions: list[str]) -> None:
    """Compile these versions' schema sets now; one that cannot be (an unknown version) is
    left to the request that names it, which then gets its `problem`."""
    for version in versions:
        with suppress(TissError, UnknownVersion, ValueError):
            schema(version)


def main() -> None:
    with suppress(OSError, ValueError, EOFError, KeyboardInterrupt):  # the desk went away
        compile_ahead(sys.argv[1:])
        serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
