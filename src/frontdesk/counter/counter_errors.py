"""What can go wrong at a TISS counter, as errors the app already knows how to show.

Each is a `frontdesk.client.client_errors` class (so the screens' existing handling applies: a
banner with F5 for trouble reaching the operator, a line next to the work for the rest) and
carries its own words (`text`), in the user's language, with what to do next:

    FrontdeskClientError
    ├── BackendUnavailable
    │   └── OperatorUnavailable     the operator's web services could not be reached or did
    │                               not answer in time; F5 tries again, nothing typed is lost
    │                               (`sequence`: a request whose answer was lost is sent again
    │                               with the same sequencialTransacao)
    ├── OperatorLoginRefused        LoginInvalido: the technician must fix the password
    ├── VersionRefused              the operator speaks another TISS version: the technician
    │                               changes the profile's tiss_version (both are named)
    ├── MessageRefused              SchemaInvalido, HashInvalido, another fault, or a reply
    │                               that cannot be trusted: a line for a bug report
    └── ApiError
        ├── CodeRefused             the operator refused the code (glosa 3156 …); the guide
        │                           still waits for one
        └── GuideRefused            the operator refused the guide itself with a glosa the
                                    receptionist can fix (wrong card: the field is named)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from frontdesk.client.client_errors import ApiError, BackendUnavailable, FrontdeskClientError
from frontdesk.core.i18n import t
from frontdesk.tiss.models import Glosa

CODE_GLOSAS = frozenset({"3156"})
"""Glosas about the code itself: TOKEN INVÁLIDO (table 38)."""
FIELD_OF_GLOSA = {
    "1001": "card",  # NÚMERO DA CARTEIRA INVÁLIDO
    "1011": "card",  # CARTEIRA NÃO PERTENCE À GUIA / beneficiário
    "1017": "card",  # DATA VALIDADE DA CARTEIRA VENCIDA
    "1213": "cbo",  # CBO (ESPECIALIDADE) INVÁLIDO
    "1301": "type",  # TIPO DE GUIA INVÁLIDO
}
"""Glosas that point at one field of the guide (what the receptionist can check)."""


def glosa_line(item: Glosa) -> str:
    """ "3156 TOKEN INVÁLIDO (Código de validação não confere)"."""
    text = f"{item.code} {item.description}".strip()
    detail = item.operator_description
    if detail and detail.upper() != item.description.upper():
        text += f" ({detail})"
    return text


class CounterError(FrontdeskClientError):
    """A TISS counter's error with its words: `text`, and whether it is banner trouble
    (`banner`); `code` goes into the audit log."""

    banner: ClassVar[bool] = False
    code: ClassVar[str] = "tiss"

    @property
    def text(self) -> str:
        return str(self)


class OperatorUnavailable(BackendUnavailable, CounterError):
    """The operator's web services could not be reached, or did not answer in time."""

    banner = True
    code = "operator_unavailable"

    def __init__(self, operator: str, detail: str, *, timeout: bool, sequence: str = "") -> None:
        self.operator = operator
        self.detail = detail
        self.sequence = sequence
        key = "counter.err.operator_timeout" if timeout else "counter.err.operator_unavailable"
        super().__init__(t(key, operator=operator), timeout=timeout)


class SchemaCheckUnavailable(CounterError):
    """The schemas could not be consulted on this computer (their worker failed): the
    message was not sent."""

    banner = True
    code = "schema_check_unavailable"

    def __init__(self, operator: str, detail: str) -> None:
        self.operator = operator
        self.detail = detail
        super().__init__(t("counter.err.schema_check", operator=operator, reason=detail))


class OperatorLoginRefused(CounterError):
    """LoginInvalido: the clinic's TISS login or password is not accepted."""

    banner = True
    code = "login_refused"

    def __init__(self, operator: str, profile: str) -> None:
        self.operator = operator
        self.profile = profile
        super().__init__(t("counter.err.login", operator=operator, profile=profile))


class VersionRefused(CounterError):
    """The operator does not take the profile's TISS version (`sent`); `fix`: the version to
    set, the one the operator named (`answered`) or the other one operators accept."""

    banner = True
    code = "version_mismatch"

    def __init__(
        self, operator: str, profile: str, sent: str, answered: str | None, fix: str
    ) -> None:
        self.operator = operator
        self.profile = profile
        self.sent = sent
        self.answered = answered
        self.fix = fix
        if answered is None:
            text = t("counter.err.version_refused", operator=operator, sent=sent, fix=fix,
                     profile=profile)  # fmt: skip
        else:
            text = t("counter.err.version", operator=operator, sent=sent, answered=answered,
                     fix=fix, profile=profile)  # fmt: skip
        super().__init__(text)


class MessageRefused(CounterError):
    """The operator refused the message (a fault) or answered what cannot be trusted.

    `report` is one line for a bug report: what, which guide, which sequencialTransacao.
    """

    banner = True
    code = "message_refused"

    def __init__(self, operator: str, what: str, guide: str, sequence: str) -> None:
        self.what = what
        self.guide = guide
        self.sequence = sequence
        self.report = t("counter.err.report", what=what, guide=guide, sequence=sequence or "?")
        super().__init__(t("counter.err.message", operator=operator, report=self.report))


class CodeRefused(ApiError, CounterError):
    """The operator refused the code; the guide still awaits a good one."""

    code = "code_refused"

    def __init__(self, glosas: Sequence[Glosa]) -> None:
        self.glosas = tuple(glosas)
        lines = "; ".join(glosa_line(g) for g in self.glosas)
        super().__init__(
            status=422, code="code_refused", detail=t("counter.err.code", glosas=lines)
        )

    @property
    def text(self) -> str:
        return self.detail


class GuideRefused(ApiError, CounterError):
    """The operator refused the guide with a glosa that points at a field (`field`)."""

    code = "guide_refused"

    def __init__(self, glosas: Sequence[Glosa], field: str | None, value: str = "") -> None:
        self.glosas = tuple(glosas)
        self.field = field
        lines = "; ".join(glosa_line(g) for g in self.glosas)
        where = t(f"counter.field.{field}", value=value) if field else ""
        detail = t("counter.err.refused", glosas=lines) + (f" {where}" if where else "")
        super().__init__(status=422, code="guide_refused", detail=detail)

    @property
    def text(self) -> str:
        return self.detail
