"""Every way a TISS exchange can fail, in one tree (the messages are English, for logs and
developers; the command line words them for the user from the class and its members):

    TissError
    ├── TissInputError           refused before anything is sent (a code of 11 characters,
    │                            a reason outside 01–07, text that ISO-8859-1 cannot carry)
    ├── UnsafeXml                XML with a DTD, entities or over the size limit: not read
    ├── InvalidReply             not SOAP, not TISS, invalid against the schemas, wrong hash
    ├── TissUnavailable          the operator could not be reached (DNS, refused, TLS, HTTP 5xx)
    │   └── TissTimeout          no answer in time (`sent`: whether the request left)
    ├── OutcomeUnknown           a SolicitacaoProcedimento whose answer was lost and whose
    │                            status query did not settle it (never re-sent on its own)
    ├── VersionMismatch          the operator does not speak the settings' version: its
    │                            `VersaoInvalida` fault, or an answer in another version
    └── TissFault                a SOAP Fault with a `tissFaultWS`: one class per value
        ├── DestinatarioInvalido, RemetenteInvalido, LoginInvalido, VersaoInvalida,
        └── HashInvalido, SchemaInvalido, ErroInesperadoServidor

Business refusals (glosas, negativas) are not errors: they are typed results (`models`).
No error carries a password, its hash or a validation code.
"""

from __future__ import annotations

from typing import ClassVar, Final

from frontdesk.tiss import versions


class TissError(Exception):
    """Any failure of a TISS exchange."""


class TissInputError(TissError, ValueError):
    """A value frontdesk refuses to send; nothing was sent. `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class UnsafeXml(TissError):
    """XML refused unread: a DTD (so entities, XXE), or too large, or not well-formed."""


class InvalidReply(TissError):
    """The operator answered something frontdesk cannot accept as a TISS reply.

    `reason`: "not_soap", "not_xml", "schema", "hash", "unexpected" (another message than
    the operation's reply), "http" (an HTTP status without a SOAP body).
    """

    def __init__(self, reason: str, detail: str, *, status: int | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.status = status
        super().__init__(f"{reason}: {detail}")


class TissUnavailable(TissError):
    """The operator's web service could not be reached or did not answer properly.

    `retryable`: False when trying again cannot help (an untrusted TLS certificate).
    """

    def __init__(self, detail: str, *, status: int | None = None, retryable: bool = True) -> None:
        self.detail = detail
        self.status = status
        self.retryable = retryable
        super().__init__(detail)


class TissTimeout(TissUnavailable):
    """No answer within the timeout. `sent`: the request may have reached the operator."""

    def __init__(self, detail: str, *, sent: bool) -> None:
        self.sent = sent
        super().__init__(detail)


class OutcomeUnknown(TissError):
    """A SolicitacaoProcedimento timed out and the status query did not find it (or failed).

    The request may or may not have been registered; frontdesk does not send it again by
    itself. Sending it again with the same `sequence` (sequencialTransacao) is the safest
    retry: an operator that keeps transactions answers the first one again.
    """

    def __init__(self, guide: str, sequence: str, detail: str) -> None:
        self.guide = guide
        self.sequence = sequence
        self.detail = detail
        super().__init__(f"guide {guide}, sequencialTransacao {sequence}: {detail}")


class VersionMismatch(TissError):
    """The operator does not take the version the message went out in (`sent`).

    `answered`: the version the operator named (its reply's `Padrao`, or a version its
    `VersaoInvalida` fault string names), None when it named none; `fault`: it came as a
    `VersaoInvalida` fault (nothing was done), not as a reply in another version.
    """

    def __init__(self, sent: str, answered: str | None, *, fault: bool) -> None:
        self.sent = sent
        self.answered = answered
        self.fault = fault
        spoken = f"speaks TISS {answered}" if answered else "refused it (VersaoInvalida)"
        super().__init__(f"the message went out in TISS {sent}; the operator {spoken}")

    @property
    def to_try(self) -> str:
        """The version to speak to this operator: the one it named, else the other version
        operators accept (4.02.00 for 4.03.00; 4.03.00 for the others)."""
        if self.answered in versions.numbers():
            return self.answered
        return next(
            v.number
            for v in versions.VERSIONS
            if v.number != self.sent and v.status != "superseded"
        )


class TissFault(TissError):
    """The operator answered with a SOAP Fault carrying a `tissFaultWS` value."""

    code: ClassVar[str] = ""

    def __init__(self, message: str = "", *, fault_string: str = "") -> None:
        self.fault_string = fault_string
        super().__init__(message or self.code)


class DestinatarioInvalido(TissFault):
    code = "DestinatarioInvalido"


class RemetenteInvalido(TissFault):
    code = "RemetenteInvalido"


class LoginInvalido(TissFault):
    code = "LoginInvalido"


class VersaoInvalida(TissFault):
    code = "VersaoInvalida"


class HashInvalido(TissFault):
    code = "HashInvalido"


class SchemaInvalido(TissFault):
    code = "SchemaInvalido"


class ErroInesperadoServidor(TissFault):
    code = "ErroInesperadoServidor"


FAULTS: Final[dict[str, type[TissFault]]] = {
    cls.code: cls
    for cls in (
        DestinatarioInvalido,
        RemetenteInvalido,
        LoginInvalido,
        VersaoInvalida,
        HashInvalido,
        SchemaInvalido,
        ErroInesperadoServidor,
    )
}
"""Each `st_tissFault` value of the schema and its class."""


def fault_for(code: str, fault_string: str = "") -> TissFault:
    """The typed fault for a `tissFault` value (an unknown value: ErroInesperadoServidor)."""
    cls = FAULTS.get(code, ErroInesperadoServidor)
    return cls(
        cls.code if code in FAULTS else f"unknown tissFault {code[:40]!r}",
        fault_string=fault_string[:200],
    )
