"""Import hygiene, in one place: what each way of running frontdesk loads, in a fresh process.

The layers' static rules are import-linter contracts (pyproject.toml); this checks what is
really in `sys.modules` after each path runs, lazy imports included:

- headless layers (core, backend, client, tiss, config, doctor) and the technician's commands
  load neither textual nor rich;
- local mode (the embedded backend, a whole send/validate) loads neither httpx nor a web
  framework, nor the TISS stack (lxml, frontdesk.tiss), nor psycopg; on its way from the
  desk's first frame to the first queue it builds no dataclass (msgspec Structs instead);
- `frontdesk serve` on SQLite (`--database sqlite:///…`, the default) never loads psycopg,
  the optional `postgres` extra;
- the local backend's app, as `frontdesk serve` builds it, loads the TISS stack only with the
  first TISS request;
- the first screen loads neither the client, the backend nor httpx, and builds no dataclass
  of its own (msgspec Structs instead); a TISS profile's first screen loads neither the TISS
  counter nor lxml (they load when it connects);
- a remote profile loads httpx and the client, never the server side; a TISS profile's
  desk loads httpx (its transport) only once its queue is read;
- `frontdesk --tiss-demo` (the local TISS operator in the desk's process, a whole release)
  loads neither httpx nor tomlkit: nothing goes over HTTP, and nothing is written to the
  configuration file;
- `frontdesk --help` (every subcommand's parser built) loads argparse and the parsers only;
- the libraries (core, backend, client, config, doctor) never print, prompt or exit.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from support.demo import MARIA

UI = ("textual", "rich")
WEB = ("starlette", "anyio", "sniffio", "httpx", "httpcore", "h11", "uvicorn")

HEADLESS_IMPORTS = """
import pkgutil, importlib, frontdesk
for package in ("core", "backend", "client", "tiss", "config", "counter", "doctor"):
    module = importlib.import_module(f"frontdesk.{package}")
    for info in pkgutil.walk_packages(module.__path__, f"frontdesk.{package}."):
        importlib.import_module(info.name)
import frontdesk.cli, frontdesk.cli.serve, frontdesk.cli.setup, frontdesk.cli.doctor
import frontdesk.cli.tiss, frontdesk.cli.parsers
import frontdesk.cli.login, frontdesk.cli.profiles_command, frontdesk.cli.audit
import frontdesk.cli.console
"""

TOOLS = """
from frontdesk.cli import main
assert main(["profiles"]) == 0
assert main(["audit"]) == 0
assert main(["doctor", "--json"]) == 0
"""

LOCAL_FLOW = """
import asyncio, sys
from frontdesk.client import InvalidCode
from frontdesk.local.embedded_client import embedded_client

async def main():
    client, backend = embedded_client(":memory:")
    async with client:
        health = await client.health()
        guides = await client.list_guides(status="awaiting_token")
        number = next(g.number for g in guides if g.beneficiary.name == NAME)
        guide = await client.get_guide(number)
        token = await client.send_token(number, channel_id="c1")
        code = next(m.code for m in await client.outbox() if m.guide == number)
        wrong = "000000" if code != "000000" else "111111"
        try:
            await client.validate(number, wrong)
        except InvalidCode as error:
            rejected = [error.status, error.code, error.attempts_left]
        else:
            rejected = []
    backend.close()
    return {
        "health": [health.status, health.mode],
        "guide": guide.number == number,
        "token": token.state,
        "rejected": rejected,
    }

RESULT = asyncio.run(main())
"""

FIRST_SCREEN = "import frontdesk.cli.app, frontdesk.app.app"

SERVE_APP = """
import asyncio
from frontdesk.backend.local import open_backend
from frontdesk.backend.server import create_app
from frontdesk.cli import build_parser

build_parser().parse_args(["tiss", "elegibilidade", "--profile", "p", "--card", "1",
                           "--reason", "01"])
app = create_app(open_backend(":memory:"), api_key="key")
before = sorted(sys.modules)

async def post(path, body):
    sent = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}
    async def send(message):
        sent.append(message)
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": [(b"content-type", b"text/xml")]}
    await app(scope, receive, send)
    return sent[0]["status"]

status = asyncio.run(post("/v1/tiss/v4.01.00/tissVerificaElegibilidade", b"<x/>"))
RESULT = {"before": [m for m in before if m.split(".")[0] == "lxml" or
                     m.startswith("frontdesk.tiss")], "status": status}
"""
HELP = "from frontdesk.cli import build_parser; build_parser()"

REMOTE = """
from pathlib import Path
from frontdesk.app.connector import connector_for
from frontdesk.audit_log import AuditLog
from frontdesk.config.connection import Connection
import sys
c = connector_for(Connection("http://127.0.0.1:9/v1", Path("x"), api_key="key"))
client = c.make()
BUILT = sorted(sys.modules)
# The desk calls it once its first queue is on screen, one part per turn of its loop.
FIRST = client.warm()
ONE_PART = sorted(sys.modules)
SECOND = client.warm()
RESULT = [BUILT, ONE_PART, [FIRST, SECOND, client.warm()]]
"""


def loaded_after(code: str, home: Path, **values: object) -> tuple[set[str], object]:
    """The modules loaded after `code` runs in a fresh interpreter, and its RESULT if any."""
    setup = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    script = (
        setup
        + textwrap.dedent(code)
        + "\nimport json, sys\n"
        + "print(json.dumps([sorted(sys.modules), globals().get('RESULT')]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=home,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules, result = json.loads(done.stdout.splitlines()[-1])
    return set(modules), result


POSTGRES = ("psycopg", "psycopg_pool", "psycopg_binary")


def tops(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


@pytest.mark.parametrize("code", [HEADLESS_IMPORTS, TOOLS], ids=["headless layers", "tools"])
def test_headless_code_loads_no_ui(code: str, home: object) -> None:
    modules, _ = loaded_after(code, Path.cwd())
    assert "frontdesk.core" in modules
    assert tops(modules, UI) == []


def test_local_mode_loads_no_httpx_and_no_web_framework() -> None:
    modules, result = loaded_after(LOCAL_FLOW, Path.cwd(), NAME=MARIA)
    assert result == {
        "health": ["ok", "local"],
        "guide": True,
        "token": "pending",
        "rejected": [422, "invalid_code", 4],
    }
    assert tops(modules, WEB) == []
    assert tops(modules, UI) == []
    assert tops(modules, ("lxml",)) == []
    assert sorted(m for m in modules if m.startswith("frontdesk.tiss")) == []
    assert tops(modules, POSTGRES) == []


# The dataclasses of frontdesk's own modules loaded so far (Textual's own are not counted).
DATACLASSES_BUILT = """
import inspect, sys

def dataclasses_built():
    return {
        f"{name}.{cls.__qualname__}"
        for name, module in list(sys.modules.items()) if name.startswith("frontdesk.")
        for cls in vars(module).values()
        if inspect.isclass(cls) and cls.__module__ == name and "__dataclass_fields__" in vars(cls)
    }
"""

LOCAL_FIRST_QUEUE = (
    DATACLASSES_BUILT
    + """
import asyncio
import frontdesk.cli.app, frontdesk.app.app, frontdesk.app.screens.lookup

first_screen = dataclasses_built()
from frontdesk.local.embedded_client import embedded_client

async def first_queue():
    client, backend = embedded_client(":memory:")
    async with client:
        health = await client.health()
        guides = await client.list_guides()
    backend.close()
    return [health.mode, len(guides)]

RESULT = [asyncio.run(first_queue()), sorted(dataclasses_built() - first_screen)]
"""
)


def test_local_modes_way_to_its_first_queue_builds_no_dataclass() -> None:
    """A dataclass compiles its methods (an `exec` each) when its class is built: ~12 ms of
    the local desk's wait for its first queue (docs/performance.md, "Start-up"). The
    classes built on that way are msgspec Structs, built in C. Nor is the stdlib's HTTP
    status table loaded (~1 ms): an error's title only needs it."""
    modules, result = loaded_after(LOCAL_FIRST_QUEUE, Path.cwd())
    assert result == [["local", 13], []]
    assert "http" not in modules


SERVE_ON_SQLITE = """
import argparse
from frontdesk.cli.serve import database_choice
from frontdesk.backend.local import open_backend
args = argparse.Namespace(database=URL, serve_db=None)
backend = open_backend(database_choice(args))
RESULT = len(backend.list_guides(None, None)["items"]) > 0
backend.close()
"""


def test_serve_on_sqlite_loads_no_psycopg(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'backend.sqlite3'}"
    modules, result = loaded_after(SERVE_ON_SQLITE, Path.cwd(), URL=url)
    assert result is True  # it served the demo guides from the SQLite file
    assert tops(modules, POSTGRES) == []
    assert "frontdesk.backend.postgres" not in modules


def test_the_postgres_store_is_what_loads_psycopg() -> None:
    """The check above can fail: importing the PostgreSQL store loads psycopg."""
    pytest.importorskip("psycopg", reason='psycopg is not installed ("frontdesk[postgres]")')
    modules, _ = loaded_after("import frontdesk.backend.postgres", Path.cwd())
    assert "psycopg" in tops(modules, POSTGRES) and "psycopg_pool" in tops(modules, POSTGRES)


def test_the_served_app_loads_the_tiss_stack_only_with_the_first_tiss_request() -> None:
    modules, result = loaded_after("import sys\n" + SERVE_APP, Path.cwd())
    assert result == {"before": [], "status": 500}  # a SchemaInvalido fault, from lxml
    assert "lxml.etree" in modules and "frontdesk.tiss.schema" in modules
    assert "frontdesk.tiss.client" not in modules  # the server never loads the client
    assert tops(modules, UI) == []


def test_an_operator_of_chosen_tiss_versions_still_loads_lxml_only_with_a_tiss_request() -> None:
    chosen = SERVE_APP.replace('api_key="key")', 'api_key="key", tiss_versions=["4.03.00"])')
    assert chosen != SERVE_APP
    chosen = chosen.replace("/v1/tiss/v4.01.00/", "/v1/tiss/v4.03.00/")
    modules, result = loaded_after("import sys\n" + chosen, Path.cwd())
    # The choice is checked at composition against the registry (data, no lxml).
    before = ["frontdesk.tiss", "frontdesk.tiss.versions"]
    assert result == {"before": before, "status": 500}  # a SchemaInvalido fault, from lxml
    assert "lxml.etree" in modules


FIRST_SCREEN_BUILT = (
    DATACLASSES_BUILT
    + FIRST_SCREEN
    + ", frontdesk.app.screens.lookup, frontdesk.app.css_cache"
    + "\nRESULT = sorted(dataclasses_built())\n"
)


def test_the_first_screen_loads_neither_the_client_nor_the_backend() -> None:
    """Nor a dataclass of the desk's own: each compiles its methods (an `exec` each) when
    its class is built, ~1 ms apiece before the first frame; its classes are msgspec
    Structs, built in C (msgspec's import costs less than the dataclasses did). Nor
    hashlib, whose OpenSSL start costs ~1.4 ms: the file of parsed styles hashes with
    `_blake2`."""
    modules, built = loaded_after(FIRST_SCREEN_BUILT, Path.cwd())
    assert "textual" in modules and "frontdesk.app.screens.lookup" in modules
    assert "frontdesk.app.css_cache" in modules
    forbidden = {"frontdesk.client", "frontdesk.backend", "frontdesk.local.embedded_client"}
    forbidden |= {"hashlib", "_hashlib"}
    assert sorted(forbidden & modules) == []
    assert tops(modules, WEB) == []
    assert built == []


def test_a_tiss_profiles_first_screen_loads_neither_the_counter_nor_lxml() -> None:
    modules, _ = loaded_after(FIRST_SCREEN + ", frontdesk.app.screens.tiss.lookup", Path.cwd())
    assert "frontdesk.app.screens.tiss.lookup" in modules
    loaded = sorted(m for m in modules if m.startswith(("frontdesk.counter", "frontdesk.tiss")))
    assert loaded == []
    assert tops(modules, ("lxml", *WEB)) == []


def test_a_remote_profile_loads_the_client_never_the_server_side() -> None:
    modules, result = loaded_after(REMOTE, Path.cwd())
    assert isinstance(result, list)
    built, one_part, answers = result
    # Its first requests go out before httpx is loaded (client.first_requests): ~75 ms of
    # the desk's start; `warm` loads it, then (a second call: the desk's loop is held by
    # one part at a time) the asyncio backend of its first request.
    assert "frontdesk.client.first_requests" in built
    assert tops(set(built), ("httpx", "httpcore", "anyio", "certifi", "h11")) == []
    assert {"httpx", "httpcore"} <= set(one_part)
    assert "anyio._backends._asyncio" not in one_part
    assert answers == [True, False, False]
    assert {"httpx", "httpcore", "anyio._backends._asyncio"} <= modules
    assert tops(modules, ("starlette", "uvicorn")) == []
    assert sorted(m for m in modules if m.startswith("frontdesk.backend")) == []
    # Nor the embedded mode's in-process caller: its module is on no remote desk's way to
    # its first queue (docs/performance.md, "Start-up").
    assert sorted(m for m in modules if m.startswith("frontdesk.") and m.endswith(".asgi")) == []


TISS_DEMO = """
import asyncio
from frontdesk.app.connector import connector_for
from frontdesk.cli import build_parser
from frontdesk.cli.app import tiss_demo

connection = tiss_demo(build_parser().parse_args(["--tiss-demo", "--db", ":memory:"]))
connector = connector_for(connection, ":memory:")
desk = connector.make()

async def release():
    guides = await desk.list_guides(status="awaiting_token")
    sadt = next(g for g in guides if g.type == "sp_sadt")
    code = await desk.sac_code(sadt.number)
    released = await desk.validate(sadt.number, code)
    await desk.aclose()
    return [len(guides), released.status]

RESULT = asyncio.run(release())
connector.close()
"""


def test_the_tiss_demo_releases_a_guide_without_httpx_or_tomlkit(tmp_path: Path) -> None:
    modules, result = loaded_after(TISS_DEMO, tmp_path)
    assert result == [7, "authorized"]
    assert "frontdesk.counter.tiss_desk" in modules and "lxml.etree" in modules
    assert tops(modules, ("httpx", "httpcore", "anyio", "tomlkit")) == []


TISS_PROFILE = """
import asyncio, sys
from pathlib import Path
from frontdesk.app.connector import connector_for
from frontdesk.config.connection import Connection
from frontdesk.config.tiss_reading import CounterSettings, TissProfileData
from frontdesk.tiss.tiss_settings import TissSettings

settings = TissSettings(url="https://tiss.operadora.example/ws/{operation}",
                        registro_ans="123456", prestador_kind="codigo", prestador="000123")
counter = CounterSettings(import_folder=Path(FOLDER))
connector = connector_for(Connection(url=settings.template, config_path=Path("x"),
                                     api_key="senha", kind="tiss",
                                     tiss=TissProfileData(settings, counter)))
connector.preload()
desk = connector.make()
built = sorted(m for m in sys.modules if m.split(".")[0] in ("httpx", "httpcore"))

async def queue():
    guides = await desk.list_guides()
    await desk.aclose()  # after the transport's warm-up
    return len(guides)

RESULT = [built, asyncio.run(queue())]
"""


def test_a_tiss_profiles_desk_loads_httpx_only_after_its_queue(tmp_path: Path) -> None:
    """The queue never waits for httpx and the trust store: they load right after it."""
    modules, result = loaded_after(TISS_PROFILE, tmp_path, FOLDER=str(tmp_path))
    assert result == [[], 0]
    assert "httpx" in modules and "frontdesk.counter.tiss_desk" in modules


def test_help_builds_every_parser_and_loads_nothing_else() -> None:
    modules, _ = loaded_after(HELP, Path.cwd())
    ours = sorted(m for m in modules if m.startswith("frontdesk."))
    assert ours == ["frontdesk.cli", "frontdesk.cli.parsers"]
    assert tops(modules, (*UI, *WEB, "keyring", "tomllib", "tomlkit", "platformdirs")) == []
    assert tops(modules, ("msgspec",)) == []
    assert tops(modules, ("asyncio", "logging", "ssl", "aiohttp", "lxml")) == []


def test_the_apps_start_reads_no_help_catalog() -> None:
    """The app's own options parse alone: the command line's texts load with a help or an
    error only."""
    code = (
        "from frontdesk.cli.parsers import parse_arguments; parse_arguments(['--db', ':memory:'])"
    )
    modules, _ = loaded_after(code, Path.cwd())
    ours = sorted(m for m in modules if m.startswith("frontdesk."))
    assert ours == ["frontdesk.cli", "frontdesk.cli.parsers"]


def test_libraries_never_print_prompt_or_exit() -> None:
    import frontdesk

    root = Path(frontdesk.__file__).parent
    banned = {"print", "input", "exit", "quit", "getpass", "breakpoint"}
    found = []
    for package in ("core", "backend", "client", "config", "doctor"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = None
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                elif isinstance(node, ast.Raise) and node.exc is not None:
                    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                    name = "SystemExit" if ast.unparse(exc) == "SystemExit" else None
                if name in banned or name == "SystemExit":
                    found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert found == []
