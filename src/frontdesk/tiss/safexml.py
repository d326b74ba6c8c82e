"""Reading XML that comes from the network, safely, with lxml.

Untrusted XML (an operator's reply, a request to the local operator) is read so that neither
an external entity (XXE: a file or URL pulled into the document) nor an entity-expansion
bomb can do anything:

- the parser never resolves entities, never touches the network, never loads a DTD, keeps
  libxml2's size limits (`huge_tree=False`) and does not recover from errors;
- a document with any DOCTYPE is refused after that parse, before anything reads it (SOAP 1.1
  forbids a DTD in a message anyway), so a declared entity is never even looked up;
- the bytes are bounded (`MAX_XML_BYTES`) before parsing.

The encoding is the XML declaration's; without one, the HTTP charset (operators answer in
ISO-8859-1 or UTF-8), else UTF-8, as XML says.
"""

from __future__ import annotations

import re
import threading
from typing import Final

from lxml import etree

from frontdesk.tiss.tiss_errors import UnsafeXml

MAX_XML_BYTES: Final = 2 * 1024 * 1024
"""The largest message read: TISS web-service messages are a few kilobytes."""

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._-]+)", re.IGNORECASE)
_KNOWN = {"utf-8", "utf8", "iso-8859-1", "latin-1", "latin1", "iso8859-1", "us-ascii", "ascii"}

_local = threading.local()


def _parser(encoding: str | None) -> etree.XMLParser:
    """A hardened parser (one per thread and encoding: lxml parsers are not shared)."""
    cache: dict[str | None, etree.XMLParser] | None = getattr(_local, "parsers", None)
    if cache is None:
        cache = _local.parsers = {}
    parser = cache.get(encoding)
    if parser is None:
        parser = cache[encoding] = etree.XMLParser(
            encoding=encoding,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            recover=False,
            remove_pis=True,
            collect_ids=False,
        )
    return parser


def charset_of(content_type: str | None) -> str | None:
    """The `charset` of a Content-Type header, lower-case, if any."""
    if not content_type:
        return None
    found = _CHARSET.search(content_type)
    return found.group(1).lower() if found else None


def parse_untrusted(data: bytes, *, charset: str | None = None) -> etree._Element:
    """The root element of `data`; `UnsafeXml` for a DTD, oversize or malformed XML.

    `charset` (from HTTP) is used only when the document does not declare its encoding.
    """
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXml(f"XML of {len(data)} bytes is over the {MAX_XML_BYTES}-byte limit")
    encoding: str | None = None
    if _DECLARATION.match(data[:200]) is None and charset and charset.lower() in _KNOWN:
        encoding = "ISO-8859-1" if "8859" in charset or "latin" in charset else "UTF-8"
    try:
        root = etree.fromstring(data, _parser(encoding))
    except etree.XMLSyntaxError as error:
        raise UnsafeXml(f"not well-formed XML: {str(error)[:200]}") from None
    except ValueError as error:  # e.g. an unknown encoding name
        raise UnsafeXml(f"unreadable XML: {str(error)[:200]}") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        # Without a DTD no entity can be declared, so none can be referenced either.
        raise UnsafeXml("a document type declaration (DTD) is not allowed")
    return root
