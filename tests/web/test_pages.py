"""The pages escape every value they show: the templates autoescape, so a user name, a
message or a form token with markup in it is text on the page, never markup."""

from __future__ import annotations

from datetime import UTC, datetime

import jinja2
import pytest

from frontdesk.core.i18n import Texts
from frontdesk.web import pages
from frontdesk.web.guard import Attempt, Seen

HOSTILE = '<script>alert("x")</script>&\''
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;"


def every_page(tx: Texts) -> list[str]:
    seen = Seen(datetime(2026, 12, 5, 14, 32, tzinfo=UTC), HOSTILE)
    attempt = Attempt("ok", "ana", previous=seen, failures_since=(seen,), failed_count=1)
    return [
        pages.login_page(tx, csrf=HOSTILE, notice=HOSTILE, error=HOSTILE, user=HOSTILE),
        pages.desk_page(tx, user=HOSTILE, csrf=HOSTILE, sign_in=attempt),
        pages.ended_page(tx, reason="crashed", csrf=HOSTILE),
        pages.full_page(tx, max_sessions=8, csrf=HOSTILE),
        pages.denied_page(tx, HOSTILE),
    ]


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_value_a_page_shows_is_escaped(lang: str) -> None:
    for html in every_page(Texts(lang)):  # type: ignore[arg-type]
        assert "<script>alert" not in html
        assert ESCAPED in html
        assert html.startswith("<!DOCTYPE html>\n<html lang=")


def test_a_page_is_in_the_language_asked_for() -> None:
    tx = Texts("en")
    html = pages.login_page(tx, csrf="c")
    assert '<html lang="en">' in html and "Sign in" in html
    assert 'href="/login?lang=pt"' in html
    html = pages.login_page(Texts("pt"), csrf="c")
    assert '<html lang="pt-BR">' in html and "Entrar" in html


def test_a_value_a_template_names_and_is_not_given_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        pages.TEMPLATES.get_template("denied.html").render(tx=Texts("pt"), html_lang="pt-BR")
