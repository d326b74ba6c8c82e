"""`frontdesk tiss`: the technician's TISS commands.

    frontdesk tiss elegibilidade --profile NAME --card CARD (--token CODE | --reason NN)
                                 [--ident NN] [--json]
    frontdesk tiss login --profile NAME [--key-file]
    frontdesk tiss demo-files DIR [--db PATH]

`elegibilidade` makes one real VerificaElegibilidade call and prints the operator's answer
(eligible or not, the beneficiary, every glosa with its description), in Portuguese (or
English) or as JSON. A card that is not 8 to 20 digits (spaces, dots and dashes as cards
are printed), a code longer than 10 characters (or than the profile's code_length),
or a reason outside 01–07, is refused before anything is sent. Exit status: 0 when the
operator answered, either way; 2 for bad input, configuration or password; 3 when the
operator could not be reached, refused the login or the message, or answered something
that cannot be trusted. `login` stores the profile's TISS password in the keyring (or a
key file), never in the configuration file, as `frontdesk login` does. The audit log gets
one line per check, without the card's code or the password. `demo-files` writes the demo
clinic's practice-system exports (TISS XML, one guide with a typo) for the local TISS
operator's guides, the import folder of a TISS counter on `frontdesk serve`.

Its arguments are declared in `cli/parsers.py`. The TISS client (lxml, httpx) loads only
when `elegibilidade` calls the operator (`config.tiss_profile.tiss_client`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

from frontdesk.app.formatting import card_problem
from frontdesk.audit_log import AuditLog
from frontdesk.config.setup_errors import SetupError
from frontdesk.config.tiss_profile import (
    TissProfile,
    load_tiss_profile,
    tiss_client,
    tiss_password,
)
from frontdesk.core.contacts import digits_only
from frontdesk.core.i18n import set_language, t
from frontdesk.tiss.error_wording import describe_error, error_outcome
from frontdesk.tiss.models import IDENTIFICATIONS, MAX_CODE_LENGTH, Eligibility, TokenProof
from frontdesk.tiss.tiss_errors import (
    TissError,
    TissInputError,
)

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from frontdesk.cli.console import Console

EXIT_ANSWERED = 0
EXIT_INPUT = 2
EXIT_OPERATOR = 3


def run(
    args: argparse.Namespace,
    *,
    keyring: KeyringBackend | None = None,
    console: Console | None = None,
) -> int:
    """`keyring`: where the password is stored and read (None: the keyring library's);
    `console`: where `login` asks it (None: the real terminal)."""
    lang = getattr(args, "lang", None)
    if lang in ("pt", "en"):
        set_language(lang)
    if args.tiss_action == "login":
        return login(args, console, keyring=keyring)
    if args.tiss_action == "demo-files":
        return demo_files(args)
    return _eligibility(args, keyring)


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


def _eligibility(args: argparse.Namespace, keyring: KeyringBackend | None) -> int:
    given = str(args.card).strip()
    if card_problem(given) is not None:  # the counter's rule: 8 to 20 digits, as printed
        return _fail(t("tiss.bad_card", card=given[:24]), EXIT_INPUT)
    card = digits_only(given)
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
        password = tiss_password(profile.name, keyring=keyring)
    except SetupError as error:
        return _fail(str(error), EXIT_INPUT)
    return asyncio.run(_check(args, profile, password, card, proof))


async def _check(
    args: argparse.Namespace, profile: TissProfile, password: str, card: str, proof: TokenProof
) -> int:
    audit = AuditLog(profile=profile.name)
    reason = proof.reason
    try:
        async with tiss_client(profile, password) as client:
            answer = await client.check_eligibility(card, proof, identification=args.ident)
    except TissInputError as error:
        audit.record("tiss_eligibility", outcome="refused_input", reason=reason)
        return _fail(t("tiss.bad_input", field=error.field, problem=str(error)), EXIT_INPUT)
    except TissError as error:
        audit.record("tiss_eligibility", outcome=f"error:{error_outcome(error)}", reason=reason)
        return _fail(describe_error(error, profile.settings, profile.name), EXIT_OPERATOR)
    outcome = "eligible" if answer.eligible else "not_eligible"
    audit.record("tiss_eligibility", outcome=outcome, reason=reason)
    if args.json:
        print(json.dumps(_document(profile, answer), ensure_ascii=False, indent=2))
    else:
        print(_text(profile, answer))
    return EXIT_ANSWERED


def _text(profile: TissProfile, answer: Eligibility) -> str:
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


def login(
    args: argparse.Namespace,
    console: Console | None = None,
    *,
    keyring: KeyringBackend | None = None,
) -> int:
    """`frontdesk tiss login`: `frontdesk login --profile NAME` on a TISS profile, the same
    questions and the same places (`keyring`, None: the keyring library's; or the key file)."""
    # lazy: login's module loads the token client (httpx) that elegibilidade needs only
    # when it calls the operator.
    from frontdesk.cli.console import TerminalConsole
    from frontdesk.cli.login import tiss_login

    try:
        return tiss_login(args.key_file, args.profile, console or TerminalConsole(), keyring)
    except SetupError as error:
        return _fail(str(error), EXIT_INPUT)
