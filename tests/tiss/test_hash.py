"""Item 115 (the epílogo hash) and item 114 (the MD5 password), with vectors written from
the rule: the expected digests are MD5s of byte strings spelled out here by hand."""

from __future__ import annotations

from lxml import etree

from frontdesk.tiss.hashing import (
    hashed_texts,
    message_hash,
    password_digest,
    same_hash,
    text_hash,
)
from frontdesk.tiss.message import ELIGIBILITY, find
from frontdesk.tiss.models import Eligibility, TokenProof
from frontdesk.tiss.replies import build_eligibility_reply
from frontdesk.tiss.requests import build_eligibility

from .factories import CARD, PRESTADOR, REGISTRO_ANS, reply_header, request_header

NS = "http://www.ans.gov.br/padroes/tiss/schemas"


def test_the_md5_of_nothing_and_of_a_latin_1_accent() -> None:
    assert text_hash([]) == "d41d8cd98f00b204e9800998ecf8427e"
    # "João" in ISO-8859-1 is b"Jo\xe3o"; in UTF-8 it would be b"Jo\xc3\xa3o" (b2478a4a…).
    assert text_hash(["João"]) == "7183b4a7eea873418aafd515ca080603"
    assert text_hash(["Jo", "ão"]) == text_hash(["João"])


def test_invisible_characters_and_punctuation_count_literally() -> None:
    assert text_hash(["A\r\nB\tC"]) == "49a0585264db9ef947faec9b80be03fb"
    assert text_hash(["Ação Médica ¿?"]) == "ead1e9e17429ed03f6876c472e0cc154"
    assert text_hash(["Ação médica ¿?"]) != text_hash(["Ação Médica ¿?"])  # case counts


def test_text_outside_iso_8859_1_is_refused_when_sending_and_is_a_question_mark_reading() -> None:
    try:
        text_hash(["10 €"])
    except UnicodeEncodeError:
        pass
    else:
        raise AssertionError("a euro sign must not be hashed silently")
    assert text_hash(["10 €"], strict=False) == text_hash(["10 ?"])


def test_a_whole_request_hashes_its_element_contents_in_order_without_tags() -> None:
    message = build_eligibility(
        request_header(ELIGIBILITY.request_transaction),
        PRESTADOR,
        CARD,
        TokenProof.of_code("123456"),
    )
    # cabeçalho: type, sequence, date, time, origem, destino, Padrao, login, MD5("hello");
    # body: prestador code, card, code. Concatenated by hand and MD5'd:
    concatenated = (
        "VERIFICA_ELEGIBILIDADE" "1" "2026-11-18" "08:06:40" "123456" "999999" "4.01.00"
        "123456" "5d41402abc4b2a76b9719d911017c592" "123456" "0064800012345678" "123456"
    )  # fmt: skip
    assert "".join(hashed_texts(message)) == concatenated
    assert message_hash(message) == "257a4965df2dbf0580f9bbec41340233"
    assert find(message, "hash") is not None
    assert message.findtext(f"{{{NS}}}hash") == "257a4965df2dbf0580f9bbec41340233"


def test_a_reply_with_an_accented_name_hashes_in_iso_8859_1() -> None:
    reply = build_eligibility_reply(
        reply_header("SITUACAO_ELEGIBILIDADE", "7"),
        REGISTRO_ANS,
        Eligibility(eligible=True, card=CARD, beneficiary_name="João Pedro Oliveira"),
    )
    # b"SITUACAO_ELEGIBILIDADE7" b"2026-11-18" b"08:06:41" b"999999" b"123456" b"4.01.00"
    # b"999999" b"0064800012345678" b"Jo\xe3o Pedro Oliveira" b"S"
    assert reply.findtext(f"{{{NS}}}hash") == "fb2100b9ba43a15c2603cd530126050a"


def test_indentation_comments_the_hash_and_a_signature_do_not_count() -> None:
    compact = build_eligibility(
        request_header(ELIGIBILITY.request_transaction), PRESTADOR, CARD, TokenProof.of_reason("07")
    )
    expected = message_hash(compact)
    pretty = etree.fromstring(etree.tostring(compact, pretty_print=True))
    assert pretty.findtext(f"{{{NS}}}hash") == expected
    assert message_hash(pretty) == expected
    pretty.insert(0, etree.Comment(" a comment is no element content "))
    signature = etree.SubElement(pretty, f"{{{NS}}}Signature")
    etree.SubElement(signature, "SignatureValue").text = "c2lnbmF0dXJl"
    assert message_hash(pretty) == expected


def test_a_received_hash_is_compared_without_regard_to_case() -> None:
    assert same_hash("257A4965DF2DBF0580F9BBEC41340233", "257a4965df2dbf0580f9bbec41340233")
    assert same_hash(" 257a4965df2dbf0580f9bbec41340233\n", "257a4965df2dbf0580f9bbec41340233")
    assert not same_hash("257a4965df2dbf0580f9bbec41340234", "257a4965df2dbf0580f9bbec41340233")


def test_the_password_travels_as_its_md5() -> None:
    assert password_digest("hello") == "5d41402abc4b2a76b9719d911017c592"
    assert password_digest("senhaçã") == text_hash(["senhaçã"])  # ISO-8859-1 as the rest
    assert len(password_digest("x" * 100)) == 32  # st_texto32
