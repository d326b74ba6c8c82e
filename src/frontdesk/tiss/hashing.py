"""The two MD5s of TISS: the epílogo `hash` (item 115) and the password (item 114).

Item 115 (Componente Organizacional, July 2024): the hash is the MD5, in hexadecimal, of the
*contents* of the message's elements concatenated literally, left to right, without the tags
(no element or attribute names), respecting case, accents, punctuation and invisible
characters, always encoded in ISO-8859-1. Read here as:

- the contents are the texts of the message's leaf elements (elements without child
  elements), in document order: so indentation between tags, which is no element's content,
  does not count, and a pretty-printed message hashes like a compact one;
- the `hash` element itself and any `Signature` (the XML-DSig envelope) are left out;
- the hex digits are written lower-case; a received hash is compared case-insensitively.

Another reading is common: strip the tags from the file as it stands and hash the rest, which
counts the indentation between tags too (`literal_texts`). Both agree on a compact message,
which is why frontdesk writes its files compact (`writeback`); a received export is accepted
with a hash by either reading (`matches`).

Text that ISO-8859-1 cannot carry cannot be hashed by the rule: `text_hash(..., strict=True)`
refuses it (frontdesk never sends such text); reading a message, each such character counts
as "?", as Java's `getBytes("ISO-8859-1")` (most operators' stacks) does.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from typing import Final

from lxml import etree

_EXCLUDED: Final = frozenset({"hash", "Signature", "Signatures"})


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


def hashed_texts(message: etree._Element) -> Iterator[str]:
    """The texts item 115 concatenates, in order: leaf elements, hash and Signature excluded."""
    stack = [message]
    while stack:
        node = stack.pop()
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            if node is not message:
                yield node.text or ""
            continue
        stack.extend(reversed([c for c in children if _local(c.tag) not in _EXCLUDED]))


def literal_texts(message: etree._Element) -> Iterator[str]:
    """Every text between the tags, in order, whitespace included: item 115 read as "strip
    the tags from the file" (hash, Signature and comments left out, what follows them kept)."""
    if message.text:
        yield message.text
    for child in message:
        if isinstance(child.tag, str) and _local(child.tag) not in _EXCLUDED:
            yield from literal_texts(child)
        if child.tail:
            yield child.tail


def text_hash(texts: Iterable[str], *, strict: bool = True) -> str:
    """MD5 (lower-case hex) of `texts` joined and encoded in ISO-8859-1.

    `strict`: a character outside ISO-8859-1 raises UnicodeEncodeError; otherwise it is "?".
    """
    digest = hashlib.md5(usedforsecurity=False)
    for text in texts:
        digest.update(text.encode("iso-8859-1", "strict" if strict else "replace"))
    return digest.hexdigest()


def message_hash(message: etree._Element, *, strict: bool = True) -> str:
    """The epílogo hash of a TISS web-service message element (e.g. `pedidoElegibilidadeWS`)."""
    return text_hash(hashed_texts(message), strict=strict)


def matches(given: str, message: etree._Element) -> bool:
    """Whether `given` is `message`'s hash by the leaf-text reading or the literal one
    (characters ISO-8859-1 lacks count as "?": a received message)."""
    leaf = message_hash(message, strict=False)
    literal = text_hash(literal_texts(message), strict=False)
    return same_hash(given, leaf) | same_hash(given, literal)


def same_hash(given: str, expected: str) -> bool:
    """Whether a received hash matches, case-insensitively, in constant time."""
    return hmac.compare_digest(given.strip().lower().encode(), expected.lower().encode())


def password_digest(password: str) -> str:
    """The password as TISS sends it (item 114): its MD5, lower-case hex (32 characters).

    Encoded in ISO-8859-1 like the rest of TISS (UTF-8 only for characters it lacks). The
    digest stands for the password on the wire: it is as secret as the password itself.
    """
    try:
        data = password.encode("iso-8859-1")
    except UnicodeEncodeError:
        data = password.encode("utf-8")
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
