"""Reading a TISS file the way someone who never saw frontdesk's code would.

`independent_hash` is item 115 read literally over the file's bytes: decode ISO-8859-1, drop
the XML declaration and the epílogo's `hash` element, strip every tag, unescape what XML
escaped, and MD5 the rest in ISO-8859-1. It does not call `frontdesk.tiss.hashing`: a file
whose hash it confirms hashes the same by every reading (with whitespace between tags, this
reading counts it and the leaf-text reading does not).

`rewrite_version` only makes test input (an export as its system would write it in another
version): it hashes with frontdesk's code, which the readings above never call.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from lxml import etree

_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_HASH = re.compile(r"<(?:[\w.-]+:)?hash>([^<]*)</(?:[\w.-]+:)?hash>")
_TAG = re.compile(r"<[^>]*>")


def given_hash(data: bytes) -> str:
    """The hash the file carries in its epílogo."""
    found = _HASH.search(data.decode("iso-8859-1"))
    assert found is not None, "no hash element"
    return found.group(1)


def independent_hash(data: bytes) -> str:
    """MD5 (hex) of everything between the tags of the file, the hash itself left out."""
    document = _DECLARATION.sub("", data.decode("iso-8859-1")).strip()
    contents = _TAG.sub("", _HASH.sub("", document))
    return hashlib.md5(html.unescape(contents).encode("iso-8859-1")).hexdigest()


def compact(data: bytes) -> bool:
    """Whether no whitespace stands between two tags."""
    body = _DECLARATION.sub("", data.decode("iso-8859-1")).strip()
    return re.search(r">\s+<", body) is None


def padrao(data: bytes) -> str:
    """The file's TISS version (its `Padrao`), read by a regex."""
    found = re.search(r"<(?:[\w.-]+:)?Padrao>([^<]*)</", data.decode("iso-8859-1"))
    assert found is not None, "no Padrao"
    return found.group(1)


def rewrite_version(path: Path, version: str) -> None:
    """The export at `path` as its system would write it in `version` (the same guides)."""
    from frontdesk.tiss.hashing import message_hash
    from frontdesk.tiss.message import find

    root = etree.fromstring(path.read_bytes())
    node, digest = find(root, "cabecalho", "Padrao"), find(root, "epilogo", "hash")
    assert node is not None and digest is not None
    node.text, digest.text = version, ""
    digest.text = message_hash(root)
    path.write_bytes(etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True))
