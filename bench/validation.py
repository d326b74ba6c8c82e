"""Benchmark of the validation library: the measurement that chose msgspec (issue 19, item 5).

    python bench/validation.py             # both parts
    python bench/validation.py imports     # import cost of each candidate, fresh interpreters
    python bench/validation.py parse       # a queue of guides (JSON) parsed by each candidate
    python bench/validation.py config      # reading a configuration file, before the first frame
    options: --runs N (default 9), --guides N (default 200), --hand REV

`imports` times, in fresh interpreters, alternating the candidates run by run: `import
msgspec`, `import pydantic` with its `TypeAdapter` (what validating needs: pydantic loads
it lazily), and `frontdesk.client.models` as the hand-written parsers had it (the file at
git revision REV, default c98e605, the last one with them) and as it is now (msgspec). Each
figure is the median wall time of the import statement alone (perf_counter around it; the
interpreter's own start is not counted), with -X importtime's cumulative figure for the
library's top module beside it.

`parse` decodes one `GET /v1/guides` answer of N guides (the demonstration's guides, numbered
apart) the ways a client could: json.loads + the hand parsers, json.loads + msgspec.convert
(what `Parsed.parse` does), msgspec.json.decode straight from the bytes, and pydantic's
TypeAdapter over the same dataclasses (strict, from Python objects and from JSON). A
candidate that is not installed is listed as such (`pip install pydantic` in a scratch venv
to compare).

`config` times `load_config` of a file with a contract and a TISS profile in a fresh
interpreter, after what the command line has loaded when it reads the file (before the first
frame, so this is start-up time for every desk with a configuration file): the hand-written
readers (the source tree of REV, from `git archive`) against today's (msgspec), alternating.

Print the machine's load (`uptime`) beside the figures: they are ratios, taken in one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
HAND_REVISION = "c98e605"

GUIDE: dict[str, Any] = {
    "number": "2026112200017",
    "operator_number": "8812345",
    "type": "odonto",
    "status": "awaiting_token",
    "requested_at": "2026-11-22T13:02:11Z",
    "beneficiary": {
        "name": "Maria Aparecida Souza",
        "card": "0064 8000 1234 5678",
        "plan": "Odonto Clássico",
        "social_name": None,
    },
    "provider": {"code": "123456", "name": "Clínica Sorriso"},
    "procedures": [
        {
            "table": "22",
            "code": "81000065",
            "description": "Consulta odontológica inicial",
            "quantity": 1,
        },
        {"table": "22", "code": "81000073", "description": "Radiografia", "quantity": 2},
    ],
    "token": {
        "state": "pending",
        "channel": "sms",
        "destination": "(43) *****-1234",
        "expires_at": "2026-11-22T13:32:11Z",
        "expires_in": 1800,
        "attempts_left": 5,
        "resend_at": "2026-11-22T13:03:11Z",
        "resend_in": 60,
        "sends_left": 2,
        "delivery": "queued",
    },
    "authorization": None,
    "absence_reason": None,
}

AFTER_FIRST_SCREEN = "import frontdesk.cli.app, frontdesk.app.app"
"""What the desk has loaded when the client (and its models) load: after the first frame."""


def _load_file(path: Path, name: str) -> str:
    """A statement that runs the module file at `path` as `name` (no package around it)."""
    return (
        f"s = u.spec_from_file_location({name!r}, {str(path)!r}); "
        f"m = sys.modules[{name!r}] = u.module_from_spec(s); s.loader.exec_module(m)"
    )


def _one_import(preload: str, statement: str, top: str) -> tuple[float, float]:
    """(wall ms of `statement` after `preload`, -X importtime's cumulative ms of `top`, 0 if
    it does not appear) in a fresh interpreter."""
    code = f"import importlib.util as u, sys, time\n{preload}\nt = time.perf_counter()\n"
    code += f"{statement}\n"
    code += "print((time.perf_counter() - t) * 1000)"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    cumulative = 0.0
    for line in done.stderr.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == top:
            cumulative = int(parts[1]) / 1000
    return float(done.stdout.strip().splitlines()[-1]), cumulative


def _hand_models(revision: str) -> Path | None:
    """The hand-written `frontdesk/client/models.py` of git revision `revision`, in a file."""
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:src/frontdesk/client/models.py"],
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        return None
    path = Path(tempfile.mkdtemp(prefix="hand-models-")) / "hand_models.py"
    path.write_text(shown.stdout, encoding="utf-8")
    return path


def _candidates(revision: str) -> dict[str, tuple[str, str]]:
    """name -> (import statement, top module for -X importtime)."""
    candidates: dict[str, tuple[str, str]] = {}
    for name, statement in (
        ("msgspec", "import msgspec"),
        ("pydantic", "import pydantic; pydantic.TypeAdapter"),
    ):
        if importlib.util.find_spec(name) is not None:
            candidates[name] = (statement, name)
        else:
            print(f"{name}: not installed")
    first_parse = f"; m.Guide.parse({GUIDE!r})"
    hand = _hand_models(revision)
    if hand is not None:
        candidates["models, hand parsers"] = (_load_file(hand, "hand_models"), "-")
        candidates["models, hand parsers, + 1 guide"] = (
            _load_file(hand, "hand_models") + first_parse,
            "-",
        )
    models = SRC / "frontdesk" / "client" / "models.py"
    candidates["models, msgspec"] = (_load_file(models, "msgspec_models"), "-")
    candidates["models, msgspec, + 1 guide"] = (
        _load_file(models, "msgspec_models") + first_parse,
        "-",
    )
    return candidates


def imports(runs: int, revision: str) -> dict[str, dict[str, float]]:
    """Median wall ms (and -X importtime ms) of each import, alone and after the first
    screen's modules, alternating the candidates run by run."""
    candidates = _candidates(revision)
    results: dict[str, dict[str, float]] = {}
    for when, preload in (("alone", "pass"), ("after first screen", AFTER_FIRST_SCREEN)):
        walls: dict[str, list[float]] = {name: [] for name in candidates}
        tops: dict[str, list[float]] = {name: [] for name in candidates}
        for _ in range(runs):
            for name, (statement, top) in candidates.items():
                wall, cumulative = _one_import(preload, statement, top)
                walls[name].append(wall)
                tops[name].append(cumulative)
        for name in candidates:
            results[f"{name} ({when})"] = {
                "wall_ms": statistics.median(walls[name]),
                "importtime_ms": statistics.median(tops[name]),
            }
    return results


CONFIG = """\
default = "unimed"

[profiles.unimed]
operator = "Unimed Londrina"
url = "https://token.unimed.example/v1"
read_timeout = 20

[profiles.unimed-tiss]
kind = "tiss"
url = "https://tiss.unimed.example/ws/{operation}"
registro_ans = "123456"
prestador_type = "codigo"
prestador = "000123"
sac_phones = ["0800 123 4567"]
professional_uf = "41"
"""


def _tree_of(revision: str) -> Path | None:
    """The `src` tree of git revision `revision`, extracted to a temporary folder."""
    tree = Path(tempfile.mkdtemp(prefix="src-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree / "src"


def config(runs: int, revision: str) -> dict[str, float]:
    """Median wall ms of `load_config` (file read, parsed, checked) after the command line's
    imports, with each source tree."""
    folder = Path(tempfile.mkdtemp(prefix="config-"))
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    code = (
        "import time, pathlib, frontdesk.cli.app\n"
        "from frontdesk.config.reading import load_config\n"
        "t = time.perf_counter()\n"
        f"load_config(pathlib.Path({str(folder / 'config.toml')!r}))\n"
        "print((time.perf_counter() - t) * 1000)"
    )
    trees = {"today (msgspec)": SRC}
    hand = _tree_of(revision)
    if hand is not None:
        trees = {"hand readers": hand, **trees}
    walls: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(runs):
        for name, tree in trees.items():
            done = subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                check=True,
                env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HOME": str(folder)},
            )
            walls[name].append(float(done.stdout.strip().splitlines()[-1]))
    return {name: statistics.median(values) for name, values in walls.items()}


def _best_of(work: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def parse(guides: int, revision: str, repeat: int = 30) -> dict[str, float]:
    sys.path.insert(0, str(SRC))
    import msgspec

    from frontdesk.client import models

    items = [{**GUIDE, "number": f"{2026112200000 + n}"} for n in range(guides)]
    body = json.dumps({"items": items}).encode()

    page = msgspec.json.Decoder(dict[str, list[models.Guide]])

    def by_msgspec() -> object:
        return [models.Guide.parse(item) for item in json.loads(body)["items"]]

    ways: dict[str, Callable[[], object]] = {
        "json.loads + msgspec.convert (Guide.parse)": by_msgspec,
        "msgspec.json.decode from bytes": lambda: page.decode(body)["items"],
    }
    hand = _hand_models(revision)
    if hand is not None:
        spec = importlib.util.spec_from_file_location("hand_models", hand)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["hand_models"] = module
        spec.loader.exec_module(module)
        hand_guide = module.Guide
        ways["json.loads + hand parsers"] = lambda: [
            hand_guide.parse(item) for item in json.loads(body)["items"]
        ]
    if importlib.util.find_spec("pydantic") is not None:
        import pydantic  # type: ignore[import-not-found, unused-ignore]

        adapter = pydantic.TypeAdapter(list[models.Guide])
        ways["pydantic TypeAdapter, json.loads + validate_python"] = lambda: (
            adapter.validate_python(json.loads(body)["items"])
        )
        whole = pydantic.TypeAdapter(dict[str, list[models.Guide]])
        ways["pydantic TypeAdapter.validate_json"] = lambda: whole.validate_json(body)["items"]
    else:
        print("pydantic: not installed")
    first = by_msgspec()
    for name, way in ways.items():
        parsed = way()
        assert [g.number for g in parsed] == [g.number for g in first], name  # type: ignore[attr-defined]
    return {name: _best_of(way, repeat) for name, way in ways.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=["imports", "parse", "config"])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--guides", type=int, default=200)
    parser.add_argument("--hand", default=HAND_REVISION, metavar="REV")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if args.part in (None, "imports"):
        results["imports"] = imports(args.runs, args.hand)
    if args.part in (None, "parse"):
        results["parse"] = parse(args.guides, args.hand)
    if args.part in (None, "config"):
        results["config"] = config(args.runs, args.hand)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, figures in results.get("imports", {}).items():
        top = figures["importtime_ms"]
        beside = f"  (-X importtime {top:.2f} ms)" if top else ""
        print(f"import {name:<44} {figures['wall_ms']:7.2f} ms{beside}")
    parsed = results.get("parse", {})
    base = parsed.get("json.loads + hand parsers")
    for name, ms in parsed.items():
        ratio = f"  {ms / base:.2f}x the hand parsers" if base else ""
        print(f"parse {args.guides} guides: {name:<60} {ms:7.2f} ms{ratio}")
    for name, ms in results.get("config", {}).items():
        print(f"load_config after the command line's imports, {name:<16} {ms:7.2f} ms")


if __name__ == "__main__":
    main()
