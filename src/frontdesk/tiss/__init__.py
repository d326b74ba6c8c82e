"""TISS: the exchange standard between clinics and health-plan operators (ANS), in the
versions of `versions` (4.03.00 in force, 4.02.00, 4.01.00).

The protocol layer is pure and sits beside `frontdesk.client`: it imports only `frontdesk.core`
and lxml. Nothing here is imported by local mode; lxml loads with the first TISS message.

- `versions`: which versions exist and where their files are; `schemas/<version>/`: the
  official XSDs and WSDLs, as package data (a version per folder);
- `safexml`: parsing XML from the network (no DTD, no entities, no network, bounded size);
- `hashing`: the epílogo hash (Componente Organizacional item 115) and the MD5 password
  (item 114);
- `schema`: validation against the official schemas;
- `models`, `requests`, `replies`, `soap`: typed messages, built and read both ways;
- `tiss_errors`: every failure, one class per `tissFault` value (`error_wording`: how each
  is said to the user and to the audit log);
- `glosas`: TUSS table 38 descriptions, as the official schema lists them;
- `tiss_settings`, `sequence`: a TISS connection's settings, and `sequencialTransacao` numbers
  kept across restarts;
- `client` (+ `transport`, the only module that imports httpx): the async TISS client.
"""

from __future__ import annotations

from typing import Final

VERSION: Final = "4.03.00"  # versions.DEFAULT: tests/tiss/test_versions.py keeps them one
"""What the embedded demonstration's desk speaks (`local/embedded_operator.py`), and the default
of the helpers that take a version (`schema`, `glosas`, a `Header`); every caller on the
TISS path passes its own. A client speaks its settings' version (`TissSettings.version`:
`versions.DEFAULT` unless its profile's `tiss_version` names another); the local operator
answers in each path's version; an export is read in its own."""

NAMESPACE: Final = "http://www.ans.gov.br/padroes/tiss/schemas"
