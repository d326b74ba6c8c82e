"""How a failed TISS exchange is said: to the user (`describe_error`, in their language, with
what to do next) and to the audit log (`error_outcome`, one word).

`tiss_errors` keeps its messages in English for logs and developers; the command line and
the doctor word them for the user through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.core.i18n import t
from frontdesk.tiss.tiss_errors import (
    InvalidReply,
    LoginInvalido,
    OutcomeUnknown,
    TissFault,
    TissTimeout,
    TissUnavailable,
    VersionMismatch,
)

if TYPE_CHECKING:
    from frontdesk.tiss.tiss_settings import TissSettings

__all__ = ["describe_error", "error_outcome", "version_mismatch_text"]


def error_outcome(error: Exception) -> str:
    """A failed TISS call in one word, for the audit (`error:<word>`)."""
    if isinstance(error, TissFault):
        return error.code.lower()
    if isinstance(error, TissTimeout):
        return "timeout"
    if isinstance(error, TissUnavailable):
        return "unreachable"
    if isinstance(error, InvalidReply):
        return f"invalid_reply_{error.reason}"
    if isinstance(error, VersionMismatch):
        return "version_mismatch"
    return "unsafe_reply"


def version_mismatch_text(error: VersionMismatch, profile: str) -> str:
    """Both versions and the command that makes the profile speak the operator's."""
    fix = error.to_try
    if error.answered is None:
        return t("tiss.version_refused", sent=error.sent, fix=fix, profile=profile)
    return t(
        "tiss.version_mismatch", sent=error.sent, answered=error.answered, fix=fix, profile=profile
    )


def describe_error(error: Exception, settings: TissSettings, profile: str) -> str:
    """The user's message for a failure talking to the operator of `profile` (its name)."""
    url = settings.url_for("tissVerificaElegibilidade")
    if isinstance(error, LoginInvalido):
        return t("tiss.login_refused", login=settings.effective_login, profile=profile)
    if isinstance(error, VersionMismatch):
        return version_mismatch_text(error, profile)
    if isinstance(error, TissFault):
        return t("tiss.fault", code=error.code, meaning=t(f"tiss.fault.{error.code}"))
    if isinstance(error, TissTimeout):
        return t("tiss.timeout", seconds=settings.read_timeout, url=url)
    if isinstance(error, TissUnavailable):
        return t("tiss.unreachable", url=url, detail=error.detail)
    if isinstance(error, InvalidReply):
        return t("tiss.invalid_reply", reason=error.reason, detail=error.detail[:300])
    if isinstance(error, OutcomeUnknown):
        return t("tiss.outcome_unknown", detail=error.detail)
    return t("tiss.unsafe_reply", detail=str(error)[:300])
