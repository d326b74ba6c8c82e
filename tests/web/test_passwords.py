"""Password rules (TISS requirement 67), the scrypt hash and its checks."""

from __future__ import annotations

import pytest

from frontdesk.core import i18n
from frontdesk.web.passwords import (
    DKLEN,
    HISTORY,
    PasswordRejected,
    check_rules,
    hash_password,
    reused,
    verify_password,
)


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("Ab1#", "pelo menos 8 caracteres"),
        ("abcdefgh", "faltou: maiúscula, número, símbolo"),
        ("ABCDEFG1#", "faltou: minúscula"),
        ("Abcdefgh1", "faltou: símbolo"),
        ("Abcdefgh#", "faltou: número"),
        ("12345678#", "faltou: maiúscula, minúscula"),
        ("x" * 257, "no máximo 256"),
    ],
)
def test_a_password_that_breaks_a_rule_is_refused_saying_which(password: str, says: str) -> None:
    with pytest.raises(PasswordRejected) as caught:
        check_rules(password)
    assert says in str(caught.value)


def test_the_rules_speak_english_when_asked() -> None:
    i18n.set_language("en")
    with pytest.raises(PasswordRejected) as caught:
        check_rules("abcdefgh")
    assert "missing: upper-case, digit, symbol" in str(caught.value)


def test_a_password_holding_the_user_name_is_refused() -> None:
    with pytest.raises(PasswordRejected, match="nome do usuário"):
        check_rules("Ana#2026x", user="ana")


@pytest.mark.parametrize("password", ["Recepcao#2026", "Sénha 1a", "ÇÃO#ção9", "a1B!a1B!"])
def test_passwords_meeting_every_rule_pass(password: str) -> None:
    check_rules(password, user="bob")  # no exception


def test_the_hash_is_scrypt_with_a_random_salt_and_256_bits() -> None:
    one, two = hash_password("Recepcao#2026"), hash_password("Recepcao#2026")
    assert one != two  # the salt differs
    scheme, n, r, p, _salt, digest = one.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**15, 8, 3)
    assert len(digest) == 43  # 32 bytes in unpadded base64
    assert DKLEN * 8 >= 256
    assert "Recepcao" not in one


def test_verify_accepts_the_password_and_nothing_else() -> None:
    stored = hash_password("Recepcao#2026")
    assert verify_password("Recepcao#2026", stored)
    assert not verify_password("recepcao#2026", stored)
    assert not verify_password("Recepcao#2026 ", stored)
    assert not verify_password("", stored)


def test_the_same_password_typed_decomposed_matches() -> None:
    stored = hash_password("Sénha#2026")
    assert verify_password("Se\u0301nha#2026", stored)


@pytest.mark.parametrize(
    "stored",
    ["", "plain", "md5$1$2$3$abc$def", "scrypt$x$8$1$abc$def", "scrypt$1099511627776$8$1$YQ$YQ"],
)
def test_a_stored_value_that_is_not_our_hash_never_matches(stored: str) -> None:
    assert verify_password("anything", stored) is False


def test_reuse_is_found_among_the_history() -> None:
    history = [hash_password(f"Senha#{i}abc") for i in range(HISTORY)]
    assert reused("Senha#2abc", history)
    assert not reused("Senha#9abc", history)
