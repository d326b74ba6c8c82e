"""Names of common procedures of TUSS table 22 (terminologia unificada da saúde
suplementar): consultations, the usual laboratory and imaging exams, the usual dental
procedures. The demo data's procedures come from here, and a TISS counter fills a guide's
description from the code with it when the clinic's own exports do not name the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

PROCEDURE_NAMES: Final[Mapping[str, str]] = {
    "10101012": "Consulta em consultório (no horário normal ou preestabelecido)",
    "10101039": "Consulta em pronto socorro",
    "40304361": (
        "Hemograma com contagem de plaquetas ou frações (eritrograma, leucograma, plaquetas)"
    ),
    "40302040": "Glicose - pesquisa e/ou dosagem",
    "40316521": "TSH - hormônio tireoestimulante",
    "40901122": (
        "US - Abdome total (abdome superior, rins, bexiga, aorta, veia cava inferior e adrenais)"
    ),
    "40101010": "ECG convencional de até 12 derivações",
    "81000030": "Consulta odontológica",
    "81000049": "Consulta odontológica de urgência",
    "81000065": "Consulta odontológica inicial",
    "81000421": "Radiografia periapical",
    "84000198": "Profilaxia: polimento coronário",
    "85100099": "Restauração em resina fotopolimerizável 1 face",
}
"""TUSS code -> the procedure's name as the table writes it."""

DENTAL_PREFIX: Final = "8"
"""TUSS table 22 numbers the dental procedures 8xxxxxxx (81 to 87: odontologia)."""
