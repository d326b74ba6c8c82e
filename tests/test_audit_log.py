"""The audit log: what a line holds, what it never holds, rotation, reading back, a whole flow."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontdesk.audit_log import AuditLog, format_table, parse_since
from frontdesk.client.client_errors import ApiError, FrontdeskClientError
from frontdesk.config import paths
from frontdesk.config.setup_errors import SetupError
from frontdesk.core.contacts import digits_only
from frontdesk.local.embedded_client import embedded_client
from support.isolation import Home

API_KEY = "audit-flow-key-0123456789"


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_one_line_per_action_in_the_user_log_dir(home: Home) -> None:
    at = datetime(2026, 11, 22, 13, 2, 11, tzinfo=UTC)
    audit = AuditLog(profile="unimed", now=lambda: at)
    assert audit.path == paths.audit_file()
    assert audit.path.is_relative_to(home.state)
    written = audit.record(
        "send", guide="2026112200017", channel="sms", destination="(43) *****-1234",
        outcome="sent",
    )  # fmt: skip
    assert written is not None
    assert lines(audit.path) == [
        {
            "time": "2026-11-22T13:02:11Z",
            "profile": "unimed",
            "action": "send",
            "guide": "2026112200017",
            "channel": "sms",
            "destination": "(43) *****-1234",
            "outcome": "sent",
        }
    ]
    assert audit.path.stat().st_mode & 0o777 == 0o600
    assert audit.path.parent.stat().st_mode & 0o777 == 0o700
    audit.record("absence", guide="2026112200020", outcome="under_review", reason="03")
    assert lines(audit.path)[1]["reason"] == "03"
    assert [r.action for r in audit.read()] == ["send", "absence"]


def test_contacts_are_masked_and_codes_refused(home: Home) -> None:
    audit = AuditLog(profile="unimed")
    phone = audit.record("send", guide="1", channel="sms", destination="+55 43 99123-1234",
                         outcome="sent")  # fmt: skip
    email = audit.record("send", guide="1", channel="email",
                         destination="maria.souza@email.com", outcome="sent")  # fmt: skip
    masked = audit.record("send", guide="1", channel="email",
                          destination="ma****@e*****.com", outcome="sent")  # fmt: skip
    odd = audit.record("send", guide="1", channel="c1", destination="call me", outcome="sent")
    sneaky = audit.record("validate", guide="1", outcome="invalid_code 802015")
    shouty = audit.record("validate", guide="maria@x.com", outcome="Code=802015!")
    assert phone and phone.destination == "(43) *****-1234"
    assert email and email.destination == "ma****@e*****.com"
    assert masked and masked.destination == "ma****@e*****.com"
    assert odd and (odd.channel, odd.destination) == ("other", "redacted")
    assert sneaky and sneaky.outcome == "redacted"
    assert shouty and (shouty.guide, shouty.outcome) == ("redacted", "redacted")
    text = audit.path.read_text()
    for secret in ("99123", "991231234", "maria.souza", "802015", "maria@x.com"):
        assert secret not in text
    with pytest.raises(TypeError):
        audit.record("validate", guide="1", outcome="ok", code="802015")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        audit.record("Validate code 123456", outcome="ok")


def test_a_failed_write_never_stops_the_desk(home: Home, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    audit = AuditLog(blocker / "audit.jsonl")
    assert audit.record("lookup", guide="1", outcome="found") is None
    assert audit.last_error is not None


def test_rotation_keeps_a_bounded_number_of_files(home: Home) -> None:
    audit = AuditLog(max_bytes=600, backups=2)
    for n in range(40):
        audit.record("lookup", guide=f"20261122{n:05d}", outcome="found")
    names = sorted(p.name for p in audit.path.parent.iterdir())
    assert names == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]
    assert all(p.stat().st_size <= 600 for p in audit.files())
    kept = [r.guide for r in audit.read()]
    assert kept == [f"20261122{n:05d}" for n in range(40 - len(kept), 40)]  # newest, in order
    assert len(kept) >= 9


def test_reading_since_a_day_and_the_table(home: Home) -> None:
    clock = [datetime(2026, 11, 20, 15, 0, tzinfo=UTC)]
    audit = AuditLog(profile="unimed", now=lambda: clock[0])
    audit.record("lookup", guide="2026112000001", outcome="found")
    clock[0] += timedelta(days=2)
    audit.record("validate", guide="2026112200017", channel="sms",
                 destination="(43) *****-1234", outcome="authorized")  # fmt: skip
    with audit.path.open("a") as handle:
        handle.write("not json\n")
    since = parse_since("2026-11-21")
    assert [r.guide for r in audit.read(since=since)] == ["2026112200017"]
    table = format_table(audit.read())
    rows = table.splitlines()
    assert rows[0].split() == ["quando", "perfil", "ação", "guia", "canal", "destino", "resultado"]
    assert len(rows) == 4
    assert "2026112200017" in rows[3] and "authorized" in rows[3] and "(43) *****-1234" in rows[3]
    assert max(len(row) for row in rows) <= 100
    with pytest.raises(SetupError, match="AAAA-MM-DD"):
        parse_since("22/11/2026")


async def test_a_whole_flow_leaves_every_action_and_no_secret(home: Home) -> None:
    """Drive the embedded backend the way the app does, recording each action."""
    client, backend = embedded_client(":memory:", api_key=API_KEY)
    audit = AuditLog(profile="local")
    audit.record("login", outcome="stored_keyring")
    codes: list[str] = []
    async with client:
        guides = await client.list_guides(status="awaiting_token")
        numbers = [g.number for g in guides]
        names = [g.beneficiary.name for g in guides]

        async def attempt(action: str, number: str, call: object, **fields: str | None) -> object:
            try:
                result = await call  # type: ignore[misc]
            except ApiError as error:
                audit.record(action, guide=number, outcome=error.error_code, **fields)
                return error
            except FrontdeskClientError:
                audit.record(action, guide=number, outcome="error:backend_unavailable", **fields)
                raise
            return result

        # lookup: one found, one not
        maria = numbers[0]
        guide = await client.get_guide(maria)
        audit.record("lookup", guide=maria, outcome="found")
        await attempt("lookup", "9999999999999", client.get_guide("9999999999999"))

        # send by SMS to a registered phone; wrong code; right code
        channels = await client.channels(maria)
        sms = channels.of_kind("sms")[0]
        token = await client.send_token(maria, channel_id=sms.id)
        audit.record("send", guide=maria, channel="sms", destination=token.destination,
                     outcome=token.delivery or "sent")  # fmt: skip
        await attempt("validate", maria, client.validate(maria, "000000"), channel="sms")
        sent = next(m for m in await client.outbox() if m.guide == maria)
        codes.append(sent.code)
        authorized = await client.validate(maria, sent.code)
        audit.record("validate", guide=maria, channel="sms", outcome=authorized.status)

        # a typed e-mail destination, recorded the way the desk typed it (unmasked)
        joao = numbers[1]
        typed = "joao.pedro.oliveira@example.com"
        token = await client.send_token(joao, channel="email", destination=typed)
        audit.record("send", guide=joao, channel="email", destination=typed, outcome="sent")
        codes.append(next(m for m in await client.outbox() if m.guide == joao).code)
        cancelled = await client.cancel_token(joao)
        audit.record("cancel", guide=joao, channel="email", outcome=cancelled.state)

        # the app's code and the SAC's code, read out by the patient
        ana = numbers[2]
        app_code = await client.app_code(guide.beneficiary.card)
        codes.append(app_code)
        await client.validate(numbers[5], app_code)
        audit.record("validate", guide=numbers[5], channel="app", outcome="authorized")
        sac_code = await client.sac_code(ana)
        codes.append(sac_code)
        await client.validate(ana, sac_code)
        audit.record("validate", guide=ana, channel="sac", outcome="authorized")

        # no phone: absence reason
        carlos = numbers[3]
        released = await client.absence(carlos, "07")
        audit.record("absence", guide=carlos, outcome=released.status, reason="07")
        outbox = await client.outbox()
    backend.close()
    audit.record("logout", outcome="ok")

    text = audit.path.read_text(encoding="utf-8")
    records = audit.read()
    assert [r.action for r in records] == [
        "login", "lookup", "lookup", "send", "validate", "validate", "send", "cancel",
        "validate", "validate", "absence", "logout",
    ]  # fmt: skip
    assert [r.outcome for r in records] == [
        "stored_keyring", "found", "guide_not_found", "sent", "invalid_code", "authorized",
        "sent", "cancelled", "authorized", "authorized", "under_review", "ok",
    ]  # fmt: skip
    assert records[6].destination == "jo****@e*****.com"
    assert {r.profile for r in records} == {"local"}

    # Search the file: no code, no key, no full contact, no name, no "code" field.
    scrubbed = text
    for number in [*numbers, "9999999999999"]:
        scrubbed = scrubbed.replace(number, "GUIDE")
    assert len(codes) == 4 and len(outbox) >= 2
    for code in codes + [m.code for m in outbox]:
        assert code not in scrubbed
    for message in outbox:
        assert message.to not in text
        if "@" not in message.to:
            assert digits_only(message.to) not in digits_only(scrubbed)
    assert typed not in text and "joao.pedro" not in text
    assert API_KEY not in text
    for name in names:
        assert name not in text
    assert '"code"' not in text
    assert not re.search(r"\d{5,}", scrubbed.replace("GUIDE", ""))
