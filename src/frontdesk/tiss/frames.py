"""The schemas worker's framing: each message a 4-byte big-endian length, then its bytes.

Standard library only (no lxml), so that the desk can start its worker (`checker`) before
its first frame without loading the XML stack (docs/performance.md, "TISS counter").
"""

from __future__ import annotations

import struct
from typing import IO, Final

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
