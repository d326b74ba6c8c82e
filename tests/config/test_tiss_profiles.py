"""TISS profiles in the one configuration file: read beside contract profiles, listed together,
resolved into a TISS connection; every problem names the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.config.connection import ConnectionOptions, resolve
from frontdesk.config.profile_editing import load_config, save_settings, select_profile
from frontdesk.config.setup_errors import ConfigError, CredentialError
from frontdesk.config.tiss_profile import load_tiss_profile
from frontdesk.doctor.run import run_doctor
from support.isolation import Home

BOTH = """\
# the clinic's operators
default = "unimed-tiss"

[profiles.unimed]
operator = "Unimed Londrina"
url = "https://token.unimed.example/v1"

[profiles.unimed-tiss]
kind = "tiss"
operator = "Unimed Londrina (TISS)"
url = "https://tiss.unimed.example/ws/{operation}"
registro_ans = "123456"
prestador_type = "codigo"
prestador = "000123"
cnes = "1234567"
code_length = 6
code_chars = "digits"
app_name = "Unimed Cliente"
sac_phones = ["0800 123 4567", "(43) 3333-4444"]
portal = "https://beneficiario.unimed.example"
import_folder = "tiss/entrada"          # relative: to this file's folder
export_folder = "/srv/tiss/retorno"
status_check_minutes = 2
clinic_name = "Clínica Sorriso"
professional_council = "06"
professional_number = "12345"
professional_uf = "41"
professional_cbo = "225125"
language = "en"

[profiles.dental]
kind = "contract"
url = "https://api.dentaluni.example/v1"
"""


def test_a_tiss_profile_may_share_one_sequence_database(home: Home) -> None:
    url = "postgresql://frontdesk@db.clinic.local/frontdesk"
    home.write_config(BOTH.replace("status_check_minutes = 2\n", f'sequence_database = "{url}"\n'))
    tiss = load_config().get("unimed-tiss")
    assert tiss is not None and tiss.tiss is not None
    assert tiss.tiss.counter.sequence_database == url
    home.write_config(BOTH)
    default = load_config().get("unimed-tiss")
    assert default is not None and default.tiss is not None
    assert default.tiss.counter.sequence_database is None  # the per-machine file


def test_tiss_and_contract_profiles_live_in_one_file(home: Home) -> None:
    home.write_config(BOTH)
    config = load_config()
    assert config.names() == ["unimed", "unimed-tiss", "dental"]
    assert [p.kind for p in config.profiles] == ["contract", "tiss", "contract"]
    tiss = config.get("unimed-tiss")
    assert tiss is not None and tiss.tiss is not None
    assert tiss.url == "https://tiss.unimed.example/ws/{operation}"
    assert tiss.label == "Unimed Londrina (TISS)"
    assert tiss.language == "en"
    settings, counter = tiss.tiss.settings, tiss.tiss.counter
    assert (settings.registro_ans, settings.prestador) == ("123456", "000123")
    assert settings.cnes == "1234567"
    assert settings.code_length == 6
    assert counter.app_name == "Unimed Cliente"
    assert counter.sac_phones == ("0800 123 4567", "(43) 3333-4444")
    assert counter.import_folder == home.config.parent / "tiss" / "entrada"
    assert counter.export_folder == Path("/srv/tiss/retorno")
    assert counter.status_check_minutes == 2.0
    assert counter.clinic.name == "Clínica Sorriso"
    assert counter.clinic.missing_for("sp_sadt") == ()
    assert counter.clinic.missing_for("odonto") == ("dentist_code", "dentist_cro", "dentist_uf")
    profile, how = select_profile(config)
    assert (profile, how) == (tiss, "default")
    # The contract profiles are read as before.
    unimed = config.get("unimed")
    assert unimed is not None and (unimed.kind, unimed.tiss) == ("contract", None)


def test_the_technicians_command_reads_the_same_profile(home: Home) -> None:
    home.write_config(BOTH)
    profile = load_tiss_profile("unimed-tiss")
    assert profile.label == "Unimed Londrina (TISS)"
    assert profile.data is not None and profile.data.counter.app_name == "Unimed Cliente"
    with pytest.raises(ConfigError, match=r'linha 4, chave "profiles\.unimed\.kind"'):
        load_tiss_profile("unimed")  # a contract profile: the line of its table


def test_a_tiss_connection_knows_its_kind_and_its_password(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.write_config(BOTH)
    with pytest.raises(CredentialError, match="frontdesk tiss login --profile unimed-tiss"):
        resolve()
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "s3cret")
    connection = resolve()
    assert connection.kind == "tiss" and connection.is_tiss and not connection.is_local
    assert connection.api_key == "s3cret" and "s3cret" not in repr(connection)
    assert connection.tiss is not None and connection.tiss.settings.registro_ans == "123456"
    assert connection.display_name == "Unimed Londrina (TISS)"
    assert connection.language == "en"
    with pytest.raises(ValueError, match="TISS"):
        connection.client()
    contract = resolve(options=ConnectionOptions(profile="dental"), need_key=False)
    assert contract.kind == "contract" and contract.tiss is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('kind = "soap"', 'linha 9, chave "profiles.unimed-tiss.kind"'),
        ('professional_uf = "PR"', "2 dígitos"),
        ('professional_cbo = "2251"', "CBO-S de 6 dígitos"),
        ('code_chars = "emoji"', '"digits"'),
        ("sac_phones = [1, 2]", "lista de telefones"),
        ('portal = "ftp://x"', "https://"),
        ("status_check_minutes = 0", "1 a 120 minutos"),
        ('sequence_database = "postgresql://clinic:pw@db/x"', "não pode trazer senha"),
        ('sequence_database = "sqlite:///seq.db"', "URL de um banco PostgreSQL"),
        ('api_token = "x"', "a senha não pode ficar neste arquivo"),
        ("nonsense = 1", "chave desconhecida num perfil TISS"),
        (
            'tiss_version = "4.04.00"',
            "o frontdesk não conhece a versão TISS 4.04.00; use uma destas: 4.03.00, 4.02.00, "
            "4.01.00.",
        ),
        ("tiss_version = 4.03", "deve ser um texto entre aspas"),
        # said in the user's language (TissSettings' own check said it in English)
        ("read_timeout = -1", "deve estar entre 0 e 600 segundos"),
        ("code_length = 6.5", "deve ser um número inteiro"),
    ],
)
def test_each_tiss_problem_names_its_key(home: Home, line: str, message: str) -> None:
    key = line.split(" = ")[0]
    lines = BOTH.splitlines()
    tiss_table = lines.index("[profiles.unimed-tiss]")
    at = next(
        (i for i, text in enumerate(lines) if i > tiss_table and text.startswith(f"{key} =")),
        tiss_table + 2,  # the operator line
    )
    lines[at] = line
    home.write_config("\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config()
    assert message in str(raised.value)
    assert "profiles.unimed-tiss" in str(raised.value)


def test_a_profile_without_tiss_version_speaks_the_version_in_force(home: Home) -> None:
    """BOTH was written before the key existed: it speaks 4.03.00, not the superseded 4.01.00."""
    home.write_config(BOTH)
    tiss = load_tiss_profile("unimed-tiss")
    assert tiss.settings.version == "4.03.00"
    home.write_config(
        BOTH.replace('prestador = "000123"\n', 'prestador = "000123"\ntiss_version = "4.02.00"\n')
    )
    assert load_tiss_profile("unimed-tiss").settings.version == "4.02.00"
    assert resolve(need_key=False).tiss.settings.version == "4.02.00"  # type: ignore[union-attr]


def test_an_unknown_version_names_the_file_the_line_and_the_key(home: Home) -> None:
    home.write_config(
        BOTH.replace('cnes = "1234567"\n', 'cnes = "1234567"\ntiss_version = "3.05.00"\n')
    )
    with pytest.raises(ConfigError) as raised:
        load_config()
    line = BOTH.splitlines().index('cnes = "1234567"') + 2
    assert (raised.value.line, raised.value.key) == (line, "profiles.unimed-tiss.tiss_version")
    assert str(raised.value).endswith(
        "o frontdesk não conhece a versão TISS 3.05.00; use uma destas: 4.03.00, 4.02.00, 4.01.00."
    )


def test_settings_saved_into_a_tiss_profile_keep_it_readable(home: Home) -> None:
    home.write_config(BOTH)
    save_settings(language="pt", theme="textual-light", profile="unimed-tiss")
    text = home.config.read_text()
    assert "# relative: to this file's folder" in text  # comments kept
    tiss = load_config().get("unimed-tiss")
    assert tiss is not None and (tiss.kind, tiss.language, tiss.theme) == (
        "tiss",
        "pt",
        "textual-light",
    )


def test_profiles_lists_both_kinds_with_their_operator(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    home.write_config(BOTH)
    assert main(["profiles"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:4] == [
        "unimed",
        "Unimed",
        "Londrina",
        "https://token.unimed.example/v1",
    ]
    assert lines[2].startswith("* unimed-tiss") and "Unimed Londrina (TISS)" in lines[2]
    assert "[TISS 4.03.00, registro ANS 123456]" in lines[2]
    assert "TISS" not in lines[3]


def test_doctor_reads_a_tiss_profile_and_runs_the_tiss_steps(home: Home) -> None:
    """The profile reads; the contract's steps give way to the TISS ones
    (tests/doctor/test_tiss_doctor.py runs them against a served operator)."""
    home.write_config(BOTH)
    report = run_doctor(profile="unimed-tiss", terminal_size=(80, 24))
    found = {c.id: c for c in report.checks}
    assert found["profile"].status == "ok" and found["config"].status == "ok"
    assert not {"api_key", "health", "auth", "clock"} & set(found)
    password = found["tiss_password"]
    assert password.status == "fail"  # none stored in this fresh home
    assert password.fix and "frontdesk login --profile unimed-tiss" in password.fix
    assert found["tiss_login"].status == "skip"


def test_a_cnpj_in_the_file_is_read_in_its_normal_form_or_refused_with_its_line(
    home: Home,
) -> None:
    cnpj_profile = BOTH.replace('prestador_type = "codigo"', 'prestador_type = "cnpj"')
    home.write_config(
        cnpj_profile.replace('prestador = "000123"', 'prestador = "11.222.333/0001-81"')
    )
    tiss = load_config().get("unimed-tiss")
    assert tiss is not None and tiss.tiss is not None
    assert tiss.tiss.settings.prestador == "11222333000181"
    assert tiss.tiss.settings.effective_login == "11222333000181"  # the login by default

    home.write_config(cnpj_profile.replace('prestador = "000123"', 'prestador = "11222333000108"'))
    with pytest.raises(ConfigError) as raised:
        load_config()
    said = str(raised.value)
    assert 'linha 14, chave "profiles.unimed-tiss.prestador"' in said
    assert "Os dígitos verificadores do CNPJ 11.222.333/0001-08 não conferem" in said
