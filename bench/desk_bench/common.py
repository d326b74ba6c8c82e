"""Constants, markers, budgets and small statistics shared by the desk's benchmark."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent  # bench/
MINIMAL_APP = BENCH_DIR / "_minimal_app.py"
YARDSTICK_APP = BENCH_DIR / "_yardstick_app.py"

WIDTH, HEIGHT = 80, 24
POLL = 0.005  # seconds between capture-pane polls while timing
STEP_TIMEOUT = 30.0  # a screen may take this long on a busy machine before a run is failed
SSH_VALUE = "10.0.0.2 50000 10.0.0.1 22"

# What each program's first screen shows once drawn.
APP_PAINT = ("Número da guia", "Digite ou leia")  # the field: its title and placeholder
APP_FIRST = (*APP_PAINT, "Abrir guia", "F1 Ajuda")  # ... and the key bar's own keys
# ... and the queue, the local-mode label and F2, the key shown once the backend answered.
APP_READY = (
    *APP_FIRST,
    "MODO DEMONSTRAÇÃO LOCAL",
    "Fila de atendimento (",
    "AGUARDANDO TOKEN",
    "F2 Simulador",
)
MINIMAL_FIRST = ("Número da guia", "Luíza Ferreira")  # the Input; the table's last row
YARDSTICK_FIRST = ("Número da guia", "Maria Aparecida Souza", "Ajuda")  # + a row, the footer

BUDGET_FIRST = 1.2
BUDGET_COMPLETE = 1.3
BUDGET_MEMORY = 1.3
BUDGET_LOOKUP_P95_MS = 50.0
# Issue 17: the counter on a TISS profile, against the yardstick.
BUDGET_TISS_FIRST = 1.2
BUDGET_TISS_COMPLETE = 1.3
BUDGET_TISS_MEMORY = 1.4

ROW = re.compile(r"(\d{13})\s+AGUARDANDO TOKEN\s+(\S.*?)\s{2,}")
TISS_READY = (*APP_FIRST, "· TISS · ok", "Fila de atendimento (", "AGUARDANDO TOKEN")
TISS_SADT_ROW = re.compile(r"(\d{13})\s+AGUARDANDO TOKEN.*SP/SADT")
CODE = re.compile(r"é[\s│]*(\d{4,10})\b")
ANSI = re.compile(r"\x1b(?:\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


# -- statistics ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear interpolation between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# -- tmux --------------------------------------------------------------------------------------
