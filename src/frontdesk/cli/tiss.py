"""`frontdesk tiss`: the technician's TISS commands.

    frontdesk tiss elegibilidade --profile NAME --card CARD (--token CODE | --reason NN)
                                 [--ident NN] [--json]
    frontdesk tiss login --profile NAME [--key-file]
    frontdesk tiss demo-files DIR [--db PATH]

`elegibilidade` makes one real VerificaElegibilidade call and prints the operator's answer
(eligible or not, the beneficiary, every glosa with its description), in Portuguese (or
English) or as JSON. A code longer than 10 characters (or than the profile's code_length),
or a reason outside 01–07, is refused before anything is sent. Exit status: 0 when the
operator answered, either way; 2 for bad input, configuration or password; 3 when the
operator could not be reached, refused the login or the message, or answered something
that cannot be trusted. `login` stores the profile's TISS password in the keyring (or a
key file), never in the configuration file. The audit log gets one line per check,
without the card's code or the password. `demo-files` writes the demo clinic's practice-
system exports (TISS XML, one guide with a typo) for the local TISS operator's guides,
the import folder of a TISS counter on `frontdesk serve`.

Only argparse at import: the TISS stack (lxml, httpx) loads when a command runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontdesk.config.tiss_profile import TissProfile
    from frontdesk.tiss.models import Eligibility, TokenProof

EXIT_ANSWERED = 0
EXIT_INPUT = 2
EXIT_OPERATOR = 3


def add_parser(sub: Any) -> None:
    """Declare `frontdesk tiss …` on the main parser's subparsers object."""
    tiss = sub.add_parser("tiss", help="TISS 4.01.00 with an operator: check eligibility")
    tiss.set_defaults(run=run)
    actions = tiss.add_subparsers(dest="tiss_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "elegibilidade",
        help="one real VerificaElegibilidade: is the card covered, is the code good",
    )
    check.add_argument("--profile", required=True, help='a [profiles.NAME] with kind = "tiss"')
    check.add_argument("--card", required=True, help="the beneficiary's card number")
    proof = check.add_mutually_exclusive_group(required=True)
    proof.add_argument("--token", metavar="CODE", help="the code the patient carries (1–10)")
    proof.add_argument("--reason", metavar="NN", help="no code: TUSS table 74 reason, 01–07")
    check.add_argument("--ident", metavar="NN", help="how the patient was identified (table 72)")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    demo = actions.add_parser(
        "demo-files",
        help="write the demo clinic's TISS XML exports (for `frontdesk serve`'s guides) into DIR",
    )
    demo.add_argument("folder", metavar="DIR", help="the TISS counter's import folder")
    demo.add_argument(
        "--db", help="the local backend's database (default: the one `frontdesk serve` uses)"
    )
    login = actions.add_parser("login", help="store a TISS profile's password (no echo)")
    login.add_argument("--profile", required=True)
    login.add_argument(
        "--key-file",
        action="store_true",
        help="store it in <config dir>/keys/<profile>.key (mode 0600) instead of the keyring",
    )


def run(args: argparse.Namespace) -> int:
    from frontdesk.core.i18n import set_language

    lang = getattr(args, "lang", None)
    if lang in ("pt", "en"):
        set_language(lang)
    if args.tiss_action == "login":
        return login(args)
    if args.tiss_action == "demo-files":
        return demo_files(args)
    return _eligibility(args)


def demo_files(args: argparse.Namespace) -> int:
    """`frontdesk tiss demo-files DIR`: the demo exports of the local backend's guides."""
    from pathlib import Path

    from frontdesk.backend.local import open_backend
    from frontdesk.backend.tiss.exports import write_demo_exports
    from frontdesk.core.i18n import t

    db = Path(args.db).expanduser() if args.db else None
    try:
        backend = open_backend(db)
        try:
            written = write_demo_exports(backend.store, backend.clock.now(), Path(args.folder))
        finally:
            backend.close()
    except OSError as error:
        return _fail(t("counter.cli.demo_failed", reason=error.strerror or error), EXIT_INPUT)
    for path in written:
        print(path)
    print(t("counter.cli.demo_written", n=len(written), folder=args.folder))
    return EXIT_ANSWERED


def _fail(message: str, status: int) -> int:
    print(f"frontdesk tiss: {message}", file=sys.stderr)
    return status


# -- elegibilidade ------------------------------------------------------------------------------


def _proof(args: argparse.Namespace, code_length: int | None) -> TokenProof | str:
    """The code or reason to send, or the message refusing it."""
    from frontdesk.core.i18n import t
    from frontdesk.tiss.errors import TissInputError
    from frontdesk.tiss.models import MAX_CODE_LENGTH, TokenProof

    if args.reason is not None:
        try:
            return TokenProof.of_reason(args.reason.strip())
        except TissInputError:
            return t("tiss.bad_reason", reason=args.reason[:8])
    code: str = args.token
    if not 1 <= len(code) <= MAX_CODE_LENGTH:
        return t("tiss.bad_token_length", length=len(code))
    if code_length is not None and len(code) != code_length:
        return t("tiss.bad_token_operator", expected=code_length, length=len(code))
    try:
        return TokenProof.of_code(code)
    except TissInputError:
        return t("tiss.bad_token_chars")


def _eligibility(args: argparse.Namespace) -> int:
    from frontdesk.config.errors import SetupError
    from frontdesk.config.tiss_profile import load_tiss_profile, tiss_password
    from frontdesk.core.i18n import t
    from frontdesk.tiss.models import IDENTIFICATIONS

    card = "".join(str(args.card).split())
    if not 1 <= len(card) <= 20:
        return _fail(t("tiss.bad_card"), EXIT_INPUT)
    if args.ident is not None and args.ident not in IDENTIFICATIONS:
        return _fail(t("tiss.bad_ident", ident=args.ident[:8]), EXIT_INPUT)
    early = _proof(args, None)  # a code of 11 characters is refused before the profile
    if isinstance(early, str):
        return _fail(early, EXIT_INPUT)
    try:
        profile = load_tiss_profile(args.profile)
        proof = _proof(args, profile.settings.code_length)
        if isinstance(proof, str):
            return _fail(proof, EXIT_INPUT)
        password = tiss_password(profile.name)
    except SetupError as error:
        return _fail(str(error), EXIT_INPUT)
    return asyncio.run(_check(args, profile, password, card, proof))


async def _check(
    args: argparse.Namespace, profile: TissProfile, password: str, card: str, proof: TokenProof
) -> int:
    from frontdesk.config.audit import AuditLog
    from frontdesk.config.tiss_profile import tiss_client
    from frontdesk.tiss.errors import TissError, TissInputError

    audit = AuditLog(profile=profile.name)
    reason = proof.reason
    try:
        async with tiss_client(profile, password) as client:
            answer = await client.check_eligibility(card, proof, identification=args.ident)
    except TissInputError as error:
        audit.record("tiss_eligibility", outcome="refused_input", reason=reason)
        from frontdesk.core.i18n import t

        return _fail(t("tiss.bad_input", field=error.field, problem=str(error)), EXIT_INPUT)
    except TissError as error:
        audit.record("tiss_eligibility", outcome=f"error:{_outcome(error)}", reason=reason)
        return _fail(_describe(error, profile), EXIT_OPERATOR)
    outcome = "eligible" if answer.eligible else "not_eligible"
    audit.record("tiss_eligibility", outcome=outcome, reason=reason)
    if args.json:
        print(json.dumps(_document(profile, answer), ensure_ascii=False, indent=2))
    else:
        print(_text(profile, answer))
    return EXIT_ANSWERED


def _outcome(error: Exception) -> str:
    from frontdesk.tiss.errors import InvalidReply, TissFault, TissTimeout, TissUnavailable

    if isinstance(error, TissFault):
        return error.code.lower()
    if isinstance(error, TissTimeout):
        return "timeout"
    if isinstance(error, TissUnavailable):
        return "unreachable"
    if isinstance(error, InvalidReply):
        return f"invalid_reply_{error.reason}"
    return "unsafe_reply"


def _describe(error: Exception, profile: TissProfile) -> str:
    """The user's message for a failure talking to the operator."""
    from frontdesk.core.i18n import t
    from frontdesk.tiss.errors import (
        InvalidReply,
        LoginInvalido,
        OutcomeUnknown,
        TissFault,
        TissTimeout,
        TissUnavailable,
    )

    settings = profile.settings
    url = settings.url_for("tissVerificaElegibilidade")
    if isinstance(error, LoginInvalido):
        return t("tiss.login_refused", login=settings.effective_login, profile=profile.name)
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


def _text(profile: TissProfile, answer: Eligibility) -> str:
    from frontdesk.core.i18n import t

    settings = profile.settings
    verdict = t("tiss.eligible") if answer.eligible else t("tiss.not_eligible")
    lines = [
        t("tiss.answer", operator=profile.label, registro=settings.registro_ans, verdict=verdict)
    ]
    name = answer.beneficiary_name
    if name and answer.social_name and answer.social_name != name:
        lines.append(t("tiss.beneficiary_social", social=answer.social_name, name=name))
    elif name:
        lines.append(t("tiss.beneficiary", name=name))
    else:
        lines.append(t("tiss.no_beneficiary"))
    for glosa in answer.glosas:
        detail = glosa.operator_description
        if detail and detail.casefold() != glosa.description.casefold():
            lines.append(
                t(
                    "tiss.glosa_detail",
                    code=glosa.code,
                    description=glosa.description,
                    detail=detail,
                )
            )
        else:
            lines.append(t("tiss.glosa", code=glosa.code, description=glosa.description or "-"))
    environment = t(f"tiss.environment.{settings.environment}")
    lines.append(t("tiss.transaction", sequence=answer.sequence, environment=environment))
    return "\n".join(lines)


def _document(profile: TissProfile, answer: Eligibility) -> dict[str, Any]:
    return {
        "profile": profile.name,
        "registro_ans": profile.settings.registro_ans,
        "environment": profile.settings.environment,
        "eligible": answer.eligible,
        "beneficiary": {"name": answer.beneficiary_name, "social_name": answer.social_name},
        "glosas": [
            {
                "code": glosa.code,
                "description": glosa.description,
                "operator_description": glosa.operator_description or None,
            }
            for glosa in answer.glosas
        ],
        "sequence": answer.sequence,
    }


# -- login ----------------------------------------------------------------------------------------


def read_password(prompt: str) -> str:
    """The password typed without echo; from a pipe (scripts), its first line."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def login(args: argparse.Namespace, read: Callable[[str], str] = read_password) -> int:
    """`frontdesk tiss login`: ask for the profile's password (`read`) and store it."""
    from frontdesk.config.credentials import store_key, write_key_file
    from frontdesk.config.errors import CredentialError, KeyringUnavailable, SetupError
    from frontdesk.config.tiss_profile import load_tiss_profile
    from frontdesk.core.i18n import t

    try:
        profile = load_tiss_profile(args.profile)
    except SetupError as error:
        return _fail(str(error), EXIT_INPUT)
    try:
        password = read(t("tiss.login.prompt", profile=profile.name))
    except EOFError:
        password = ""
    if not password.strip():
        return _fail(t("tiss.login.empty"), EXIT_INPUT)
    try:
        if args.key_file:
            where = str(write_key_file(profile.name, password))
        else:
            where = store_key(profile.name, password).describe()
    except KeyringUnavailable as problem:
        return _fail(
            t("tiss.login.keyring_failed", problem=problem, profile=profile.name), EXIT_INPUT
        )
    except (CredentialError, OSError) as error:
        return _fail(str(error), EXIT_INPUT)
    print(t("tiss.login.stored", where=where))
    return EXIT_ANSWERED
