"""XML from the network is read with DTDs, entities and the network off: an XXE file read and
an entity-expansion bomb are refused unread; replies in ISO-8859-1 and UTF-8 are read right."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.tiss import safexml
from frontdesk.tiss.message import ELIGIBILITY
from frontdesk.tiss.models import Eligibility
from frontdesk.tiss.replies import build_eligibility_reply, read_eligibility_reply
from frontdesk.tiss.soap import body_of, envelope
from frontdesk.tiss.tiss_errors import InvalidReply, UnsafeXml

from .factories import CARD, REGISTRO_ANS, reply_header

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def xxe(path: Path) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE e [<!ENTITY secret SYSTEM "file://{path}">]>\n'
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><x>&secret;</x></soap:Body></soap:Envelope>'
    ).encode()


def bomb(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels):
        refs = f"&lol{level - 1};" * 10
        entities.append(f'<!ENTITY lol{level} "{refs}">')
    return (
        '<?xml version="1.0"?>\n'
        f"<!DOCTYPE lolz [{''.join(entities)}]>\n"
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><x>&lol{levels - 1};</x>'
        "</soap:Body></soap:Envelope>"
    ).encode()


def test_an_xxe_file_read_is_refused_and_the_file_never_shows(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    with pytest.raises(UnsafeXml) as refused:
        body_of(xxe(secret))
    assert "DTD" in str(refused.value)
    assert "TOP-SECRET" not in str(refused.value)
    with pytest.raises(UnsafeXml):
        safexml.parse_untrusted(xxe(secret))


def test_an_entity_expansion_bomb_is_refused_unexpanded() -> None:
    # A billion "lol"s (3 GB) if expanded: libxml2 stops at the declarations' amplification,
    # and the DTD would be refused after the parse anyway; nothing is expanded either way.
    with pytest.raises(UnsafeXml) as refused:
        body_of(bomb())
    assert "lollollol" not in str(refused.value)
    with pytest.raises(UnsafeXml, match="DTD"):
        body_of(bomb(levels=2))  # small enough to parse: the DTD itself is refused


def test_external_dtds_and_parameter_entities_are_refused() -> None:
    external = b'<?xml version="1.0"?><!DOCTYPE e SYSTEM "http://127.0.0.1:9/evil.dtd"><e>x</e>'
    parameter = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]>'
        b"<e>x</e>"
    )
    for data in (external, parameter):
        with pytest.raises(UnsafeXml):
            safexml.parse_untrusted(data)


def test_an_undeclared_entity_and_broken_xml_are_refused() -> None:
    with pytest.raises(UnsafeXml):
        safexml.parse_untrusted(b"<e>&undeclared;</e>")
    with pytest.raises(UnsafeXml):
        safexml.parse_untrusted(b"<e><f></e>")


def test_oversized_xml_is_refused_before_parsing() -> None:
    data = b"<e>" + b"x" * safexml.MAX_XML_BYTES + b"</e>"
    with pytest.raises(UnsafeXml, match="limit"):
        safexml.parse_untrusted(data)


def _reply_bytes() -> bytes:
    reply = build_eligibility_reply(
        reply_header("SITUACAO_ELEGIBILIDADE"),
        REGISTRO_ANS,
        Eligibility(eligible=True, card=CARD, beneficiary_name="João Conceição"),
    )
    return envelope(reply)


def test_replies_in_iso_8859_1_and_utf_8_read_the_same() -> None:
    latin = _reply_bytes()
    assert b"Jo\xe3o Concei\xe7\xe3o" in latin  # really ISO-8859-1 on the wire
    utf8 = latin.replace(b"encoding='ISO-8859-1'", b"encoding='UTF-8'").replace(
        "João Conceição".encode("latin-1"), "João Conceição".encode()
    )
    undeclared = latin.split(b"?>", 1)[1]  # no declaration: the HTTP charset decides
    for data, charset in ((latin, None), (utf8, None), (undeclared, "ISO-8859-1")):
        element = body_of(data, charset=charset)
        assert read_eligibility_reply(element).beneficiary_name == "João Conceição"
    utf8_undeclared = utf8.split(b"?>", 1)[1]
    assert read_eligibility_reply(body_of(utf8_undeclared)).beneficiary_name == "João Conceição"


def test_the_charset_header_is_read() -> None:
    assert safexml.charset_of("text/xml; charset=ISO-8859-1") == "iso-8859-1"
    assert safexml.charset_of('text/xml;charset="utf-8"') == "utf-8"
    assert safexml.charset_of("text/xml") is None
    assert safexml.charset_of(None) is None


def test_a_document_that_is_not_a_soap_envelope_is_an_invalid_reply() -> None:
    with pytest.raises(InvalidReply) as wrong:
        body_of(b"<html><body>Bad gateway</body></html>")
    assert wrong.value.reason == "not_soap"
    two = f'<s:Envelope xmlns:s="{SOAP}"><s:Body><a/><b/></s:Body></s:Envelope>'.encode()
    with pytest.raises(InvalidReply, match="2 elements"):
        body_of(two)
    assert ELIGIBILITY.reply == "respostaElegibilidadeWS"
