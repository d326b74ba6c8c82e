"""Who is who at the local TISS operator: its registro ANS and the one prestador it knows.

The demo clinic (`backend.demo.PROVIDER`, Clínica Sorriso, code 123456) is the prestador;
its TISS login is that code and its password the backend's API key (`frontdesk serve
--api-key`), sent as MD5 (item 114). `GET /v1/_local/tiss` tells a test or the simulator.
"""

from __future__ import annotations

from typing import Final

from frontdesk.backend.demo import PROVIDER

REGISTRO_ANS: Final = "999999"
"""The operator's registration at ANS (six digits; 999999 is no real operator's)."""

PRESTADOR_CODE: Final = PROVIDER[0]
"""The clinic's code at the operator (`codigoPrestadorNaOperadora`): the messages' origem."""

LOGIN: Final = PRESTADOR_CODE
"""`loginPrestador`: the prestador's code."""
