"""What the web pages' Jinja2 templates cost `frontdesk web`, against its start-up.

    python bench/web_templates.py [--runs 7]
    python bench/web_templates.py --baseline /path/to/other/checkout/src   # side by side

In fresh processes, one after another in each run: the import of `frontdesk.web.server`
(what `frontdesk web` loads before it listens) and jinja2's share of it (`-X importtime`);
the compile and first render of the sign-in page; and the wall time of `frontdesk web
--port 0` until its listening line and of `frontdesk web --help` (which loads no server
module). With `--baseline SRC`: `frontdesk web`'s start to listening and its first GET
/login, this tree against the tree at SRC (e.g. a checkout before the templates), in
alternating runs. Medians in ms. The tree measured is the one `python` imports frontdesk from.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PY = sys.executable
FIRST_PAGE = """
import time
from frontdesk.core.i18n import Texts
from frontdesk.web import pages
t = time.perf_counter()
pages.login_page(Texts("pt"), csrf="x")
print(time.perf_counter() - t)
"""


def import_times(env: dict[str, str]) -> tuple[float, float]:
    """(jinja2's cumulative import time, the server module's), from `python -X importtime`:
    jinja2's line counts only what it loads first, inside the server's import."""
    out = subprocess.run(
        [PY, "-X", "importtime", "-c", "import frontdesk.web.server"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    cumulative = {
        line.rsplit("|", 1)[1].strip(): int(line.split("|")[1]) / 1e6
        for line in out.splitlines()
        if line.startswith("import time:") and "|" in line and "cumulative" not in line
    }
    return cumulative.get("jinja2", 0.0), cumulative["frontdesk.web.server"]


def home(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "c"),
        "XDG_STATE_HOME": str(root / "s"),
        "XDG_DATA_HOME": str(root / "d"),
        "FRONTDESK_CONFIG": str(root / "c" / "config.toml"),
    }


def listening(env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [PY, "-m", "frontdesk", "web", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    took = time.perf_counter() - started
    process.terminate()
    process.communicate(timeout=30)
    assert re.search(r"https?://", line), line
    return took


def listening_and_first_page(env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [PY, "-m", "frontdesk", "web", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    took = time.perf_counter() - started
    found = re.search(r"(https?://\S+/) ", line)
    assert found, line
    started = time.perf_counter()
    with urllib.request.urlopen(found.group(1) + "login") as answer:
        assert b"csrf" in answer.read()
    first = time.perf_counter() - started
    process.terminate()
    process.communicate(timeout=30)
    return took, first


def side_by_side(env: dict[str, str], baseline: str, runs: int) -> None:
    trees = {"this tree": os.environ.get("PYTHONPATH", ""), "baseline": baseline}
    found: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in trees}
    for run in range(runs):
        for name in list(trees) if run % 2 == 0 else list(trees)[::-1]:
            took, first = listening_and_first_page({**env, "PYTHONPATH": trees[name]})
            found[name][0].append(took)
            found[name][1].append(first)
    med = statistics.median
    for name, (starts, firsts) in found.items():
        print(
            f"{name:9}: start to listening {med(starts) * 1000:.0f} ms, first GET /login "
            f"{med(firsts) * 1000:.1f} ms"
        )


def wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", help="another tree's src/, to compare against")
    options = parser.parse_args()
    runs = options.runs
    env = home(Path(tempfile.mkdtemp()))
    subprocess.run(
        [PY, "-m", "frontdesk", "web", "users", "add", "ana"],
        input="Senha#Forte123x\nSenha#Forte123x\n",
        env=env,
        text=True,
        capture_output=True,
        check=True,
    )
    if options.baseline:
        print(f"runs {runs} each, load {os.getloadavg()[0]:.1f}")
        side_by_side(env, options.baseline, runs)
        return
    figures: dict[str, list[float]] = {k: [] for k in ("server", "jinja2", "page", "start", "help")}
    for _ in range(runs):
        jinja, server = import_times(env)
        page = subprocess.run(
            [PY, "-c", FIRST_PAGE], env=env, capture_output=True, text=True, check=True
        ).stdout
        figures["server"].append(server)
        figures["jinja2"].append(jinja)
        figures["page"].append(float(page))
        figures["start"].append(listening(env))
        figures["help"].append(wall([PY, "-m", "frontdesk", "web", "--help"], env))
    med = {k: statistics.median(v) * 1000 for k, v in figures.items()}
    print(f"runs {runs}, load {os.getloadavg()[0]:.1f}")
    print(f"import frontdesk.web.server (-X importtime): {med['server']:.0f} ms")
    print(
        f"of it jinja2: {med['jinja2']:.0f} ms; compile + first sign-in page: {med['page']:.0f} ms"
    )
    print(f"frontdesk web, start to listening: {med['start']:.0f} ms; --help: {med['help']:.0f} ms")
    share = (med["jinja2"] + med["page"]) / med["start"]
    print(f"jinja2 + the first page / start to listening: {share:.1%}")


if __name__ == "__main__":
    main()
