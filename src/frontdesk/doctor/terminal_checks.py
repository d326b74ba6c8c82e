"""The doctor's checks of the terminal the app will run in: TERM, colours, size, SSH, locale.

They look only at what they are given (the environment, the preferred encoding, the size,
whether this is Windows); each defaults to this process's, so tests pass their own instead
of patching the process. On Windows the fixes are Windows' (no `export`): Windows Terminal
instead of the classic console, PYTHONUTF8 instead of LANG.
"""

from __future__ import annotations

import locale
import os
import shutil
import sys
from collections.abc import Mapping

from frontdesk.core.i18n import Language, get_language, t
from frontdesk.doctor.report import Check, check, ok

MIN_COLUMNS = 80
MIN_LINES = 24
WINDOWS = sys.platform == "win32"


def current_size() -> tuple[int, int]:
    """(columns, lines) of the terminal; (0, 0) when the output is not one."""
    size = shutil.get_terminal_size(fallback=(0, 0))
    return size.columns, size.lines


def terminal_checks(
    environ: Mapping[str, str] | None = None,
    *,
    encoding: str | None = None,
    size: tuple[int, int] | None = None,
    language: Language | None = None,
    windows: bool = WINDOWS,
) -> list[Check]:
    """The terminal's checks, in order: term, colours, size, ssh, locale."""
    env = os.environ if environ is None else environ
    return [
        _windows_terminal(env) if windows else _term(env),
        _colours(env),
        _size(current_size() if size is None else size),
        _ssh(env),
        _locale(
            env,
            locale.getpreferredencoding(False) if encoding is None else encoding,
            language or get_language(),
            windows,
        ),
    ]


def _windows_terminal(environ: Mapping[str, str]) -> Check:
    """Windows: Windows Terminal (WT_SESSION) is what the app is made for; the classic
    console works, with less (its fonts, its keys, its speed)."""
    if environ.get("WT_SESSION"):
        return ok("term", "Windows Terminal")
    if environ.get("TERM"):  # another terminal that says what it is (mintty, an SSH client)
        return ok("term", environ["TERM"])
    return check(
        "term", "warn", t("doctor.term.windows_console"), t("doctor.term.windows_console_fix")
    )


def _term(environ: Mapping[str, str]) -> Check:
    term = environ.get("TERM", "")
    if not term or term == "dumb":
        detail = t("doctor.term.not_a_terminal", term=term or t("doctor.term.unset"))
        return check("term", "warn", detail, "export TERM=xterm-256color")
    return ok("term", term)


def _colours(environ: Mapping[str, str]) -> Check:
    colorterm = environ.get("COLORTERM", "").lower()
    if "NO_COLOR" in environ:
        return ok("colours", t("doctor.colours.no_color"))
    if colorterm in ("truecolor", "24bit"):
        return ok("colours", t("doctor.colours.truecolor", c=colorterm))
    if "256color" in environ.get("TERM", ""):
        return ok("colours", "256")
    return ok("colours", t("doctor.colours.sixteen"))


def _size(size: tuple[int, int]) -> Check:
    columns, lines = size
    if columns <= 0 or lines <= 0:
        return ok("size", t("doctor.size.unknown"))
    if columns < MIN_COLUMNS or lines < MIN_LINES:
        return check("size", "warn", f"{columns}x{lines}", t("doctor.size.fix"))
    return ok("size", f"{columns}x{lines}")


def _ssh(environ: Mapping[str, str]) -> Check:
    if environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"):
        origin = environ.get("SSH_CONNECTION", "").split(" ")[0] or environ.get("SSH_TTY", "")
        return ok("ssh", t("doctor.ssh.session", o=origin))
    return ok("ssh", t("doctor.ssh.local"))


def _locale(
    environ: Mapping[str, str], encoding: str, language: Language, windows: bool = False
) -> Check:
    name = environ.get("LC_ALL") or environ.get("LC_CTYPE") or environ.get("LANG") or "C"
    detail = t("doctor.locale.detail", n=name, e=encoding, l=language)
    if encoding.replace("-", "").lower() != "utf8":
        if windows:
            return check("locale", "warn", detail, t("doctor.locale.windows_fix"))
        fix = "export LANG=C.UTF-8  " + t("doctor.locale.fix_alternative")
        return check("locale", "warn", detail, fix)
    return ok("locale", detail)
