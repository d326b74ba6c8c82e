"""SOAP 1.1 (document/literal, as the TISS WSDLs bind every service): envelopes and faults.

A request or reply is one TISS message element in the `Body`, sent as
`text/xml; charset=ISO-8859-1` with an empty `SOAPAction` (the WSDLs' `soapAction=""`).
An error is a `Fault` whose `detail` holds `tissFaultWS` (`st_tissFault`: HashInvalido,
LoginInvalido, …); `body_of` turns a received one into the typed `TissFault`. Received
envelopes are parsed with `safexml` (no DTD, no entities, bounded size).
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from frontdesk.tiss import NAMESPACE
from frontdesk.tiss.message import NSMAP, add
from frontdesk.tiss.safexml import parse_untrusted
from frontdesk.tiss.tiss_errors import FAULTS, InvalidReply, TissFault, fault_for

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
CONTENT_TYPE: Final = "text/xml; charset=ISO-8859-1"
HEADERS: Final = {"Content-Type": CONTENT_TYPE, "SOAPAction": '""'}
_ENV: Final = f"{{{SOAP_ENV}}}"


def envelope(message: etree._Element) -> bytes:
    """`message` in a SOAP 1.1 envelope, serialised in ISO-8859-1 with its declaration."""
    root = etree.Element(_ENV + "Envelope", nsmap={"soap": SOAP_ENV, **NSMAP})
    etree.SubElement(root, _ENV + "Body").append(message)
    return etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)


def fault_envelope(code: str, message: str = "") -> bytes:
    """A SOAP Fault carrying `tissFaultWS` with `code` (a `st_tissFault` value)."""
    if code not in FAULTS:
        raise ValueError(f"not a tissFault value: {code!r}")
    root = etree.Element(_ENV + "Envelope", nsmap={"soap": SOAP_ENV, **NSMAP})
    fault = etree.SubElement(etree.SubElement(root, _ENV + "Body"), _ENV + "Fault")
    side = "Server" if code == "ErroInesperadoServidor" else "Client"
    etree.SubElement(fault, "faultcode").text = f"soap:{side}"
    etree.SubElement(fault, "faultstring").text = message or code
    detail = etree.SubElement(fault, "detail")
    add(add(detail, "tissFaultWS"), "tissFault", code)
    return etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)


def body_of(data: bytes, *, charset: str | None = None) -> etree._Element:
    """The element in a received envelope's Body; a Fault is raised as its `TissFault`.

    `UnsafeXml` for XML that is not read at all; `InvalidReply("not_soap")` for XML that is
    not a SOAP 1.1 envelope holding an optional Header and then exactly one Body, with one
    element in it: a second Body, or a second message, is refused rather than ignored (a
    reader that takes the first and a gateway that takes the last must never disagree).
    """
    root = parse_untrusted(data, charset=charset)
    if root.tag != _ENV + "Envelope":
        raise InvalidReply("not_soap", f"the document is {_name(root)}, not a SOAP 1.1 Envelope")
    body = _the_body(root)
    elements = [child for child in body if isinstance(child.tag, str)]
    if len(elements) != 1:
        raise InvalidReply("not_soap", f"the SOAP Body holds {len(elements)} elements, not one")
    (element,) = elements
    if element.tag == _ENV + "Fault":
        raise _fault(element)
    return element


def _the_body(root: etree._Element) -> etree._Element:
    """The Envelope's one Body, after at most one Header; anything else is not_soap."""
    parts = [child for child in root if isinstance(child.tag, str)]
    names = [child.tag for child in parts]
    if names and names[0] == _ENV + "Header":
        names, parts = names[1:], parts[1:]
    if names.count(_ENV + "Body") > 1:
        raise InvalidReply(
            "not_soap", f"the SOAP envelope holds {names.count(_ENV + 'Body')} Bodies"
        )
    if names != [_ENV + "Body"]:
        found = ", ".join(_name(part) for part in parts) or "nothing"
        raise InvalidReply("not_soap", f"the SOAP envelope holds {found[:200]}, not one Body")
    return parts[0]


def _fault(fault: etree._Element) -> TissFault:
    """The typed fault: `tissFaultWS` in the detail, else a faultstring naming one."""
    fault_string = (fault.findtext("faultstring") or "").strip()
    for node in fault.iter():
        if isinstance(node.tag, str) and node.tag.rpartition("}")[2] == "tissFault":
            return fault_for((node.text or "").strip(), fault_string)
    if fault_string in FAULTS:
        return fault_for(fault_string, fault_string)
    return fault_for("ErroInesperadoServidor", fault_string)


def is_tiss(element: etree._Element) -> bool:
    return str(element.tag).startswith(f"{{{NAMESPACE}}}")


def _name(element: etree._Element) -> str:
    return repr(str(element.tag)[:80])
