"""The TISS versions as data: each shipped folder is the published one (its SHA256SUMS), each
version compiles, and everything about a version is found from its number."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from frontdesk.tiss import VERSION, glosas, schema, versions

SHARED = Path(__file__).resolve().parents[3] / "shared" / "tiss"


def sums_of(folder: versions.TissVersion) -> dict[str, str]:
    lines = folder.folder.joinpath("SHA256SUMS").read_text("ascii").splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines if line)}


@pytest.mark.parametrize("number", versions.numbers())
def test_every_shipped_file_matches_its_sha256sums(number: str) -> None:
    version = versions.get(number)
    sums = sums_of(version)
    assert len(sums) == 19
    for name, digest in sums.items():
        data = version.folder.joinpath(*name.split("/")).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{number}/{name} differs"


@pytest.mark.parametrize("number", versions.numbers())
def test_the_shipped_sums_are_the_material_s_own(number: str) -> None:
    """The package's SHA256SUMS are the ones beside the material in shared/tiss (when the
    checkout has it beside, as CI's does): nothing was re-hashed after an edit."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not beside this checkout")
    published = (SHARED / number / "SHA256SUMS").read_text("ascii")
    assert versions.get(number).folder.joinpath("SHA256SUMS").read_text("ascii") == published


def test_versions_newest_first_with_the_one_in_force_as_default() -> None:
    assert versions.numbers() == ("4.03.00", "4.02.00", "4.01.00")
    assert versions.DEFAULT == "4.03.00"
    assert [v.status for v in versions.VERSIONS] == ["in force", "accepted", "superseded"]


def test_the_helpers_default_is_the_version_in_force() -> None:
    """`frontdesk.tiss.VERSION` (the demo desk's, the helpers' default) is written out in the
    package's `__init__` to keep its import free: it must stay `versions.DEFAULT`."""
    assert VERSION == versions.DEFAULT


def test_a_version_is_found_by_number_or_by_tag() -> None:
    assert versions.from_tag("4_02_00") is versions.get("4.02.00")
    assert versions.get("4.03.00").tag == "4_03_00"
    with pytest.raises(versions.UnknownVersion, match=r"4\.04\.00.*4\.03\.00"):
        versions.get("4.04.00")


@pytest.mark.parametrize("number", versions.numbers())
def test_each_version_names_its_wsdls_and_their_namespaces(number: str) -> None:
    version = versions.get(number)
    compact = number.replace(".", "")
    for service in versions.SERVICES:
        wsdl = version.wsdl(service).read_text("iso-8859-1")
        assert f'<service name="{service}">' in wsdl
        assert f'schemaLocation="{version.web_services_xsd}"' in wsdl
        namespace = version.wsdl_namespace(service)
        assert namespace == f"http://www.ans.gov.br/tiss/ws/tipos/{service.lower()}/v{compact}"


def test_a_namespace_is_read_from_the_wsdl_not_derived() -> None:
    """The status-of-a-glosa-appeal service breaks the naming pattern: only its file knows."""
    version = versions.get("4.03.00")
    assert version.wsdl_namespace("tissSolicitacaoStatusRecursoGlosa") == (
        "http://www.ans.gov.br/tiss/ws/tipos/tisssolicitacaostatusprotocolorecurso/v40300"
    )


@pytest.mark.parametrize("number", versions.numbers())
def test_each_version_compiles_and_carries_its_own_glosa_table(number: str) -> None:
    assert schema.schema(number) is schema.schema(number)  # compiled once
    table = glosas.table_38(number)
    assert table["3156"] == "TOKEN INVÁLIDO"
    # 4.03.00 adds 3169-3312 (shared/tiss/CHANGES.md); older versions do not know them.
    assert ("3169" in table) == (number == "4.03.00")
