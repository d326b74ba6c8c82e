"""Benchmark of the TISS stack: the measurement that chose it, and the chosen one's costs.

    python bench/tiss.py            # both parts
    python bench/tiss.py stacks     # zeep + WSDL vs lxml + XMLSchema vs xmlschema
    python bench/tiss.py client     # frontdesk.tiss: per-call overhead, loopback, import cost
    options: --calls N (default 300), --json

`stacks` measures, for each candidate installed (each in fresh interpreters): import time,
memory (RSS growth, and tracemalloc's peak in a second run), the time to load the official
4.01.00 schemas (zeep: the VerificaElegibilidade WSDL, which imports them all), and per
call the work the client does: build a VerificaElegibilidade request, hash it (item 115),
validate it, serialise it in a SOAP envelope; parse a reply, validate it, check its hash,
read it. And safety: what the stack's hardened reply parser does with an XXE file read and
an entity-expansion bomb. A stack that is not installed is listed as such: install the
candidates in a scratch venv to compare (`pip install zeep xmlschema lxml`).

`client` measures frontdesk's own client (lxml): the overhead of one `check_eligibility`
with the network taken out (an in-memory transport answering a prepared reply), split into
its steps; one eligibility round trip to `frontdesk serve` on loopback; the import cost of
the TISS stack in a fresh interpreter; and that local mode loads none of it. The budget
(docs/performance.md): overhead p95 <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SCHEMAS = SRC / "frontdesk" / "tiss" / "schemas" / "4.01.00"
NS = "http://www.ans.gov.br/padroes/tiss/schemas"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
BUDGET_P95_MS = 20.0
KEY = "bench-key-not-secret"
STACKS = ("lxml", "xmlschema", "zeep")


def rss_mib() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def leaf_texts(element: Any, skip: tuple[str, ...] = ("hash", "Signature")) -> str:
    """Item 115 over any ElementTree-like element (for the stacks that are not frontdesk's)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        kids = [k for k in node if isinstance(k.tag, str)]
        if not kids:
            out.append(node.text or "")
        for kid in kids:
            if kid.tag.rpartition("}")[2] not in skip:
                walk(kid)

    for kid in element:
        if isinstance(kid.tag, str) and kid.tag.rpartition("}")[2] not in skip:
            walk(kid)
    return "".join(out)


def md5(text: str) -> str:
    import hashlib

    return hashlib.md5(text.encode("iso-8859-1", "replace"), usedforsecurity=False).hexdigest()


# -- inputs shared by every stack ---------------------------------------------------------------


def reply_bytes() -> bytes:
    """A real reply, made by frontdesk's operator side (the same bytes for every stack)."""
    sys.path.insert(0, str(SRC))
    from frontdesk.tiss.models import Eligibility, Header, Party, Prestador
    from frontdesk.tiss.replies import build_eligibility_reply, glosa
    from frontdesk.tiss.soap import envelope

    header = Header(
        "SITUACAO_ELEGIBILIDADE", "1", "2026-11-18", "08:06:41",
        Party(registro_ans="999999"), Party(prestador=Prestador("codigo", "123456")),
    )  # fmt: skip
    answer = Eligibility(
        False, "0064800012345678", "João Conceição", glosas=(glosa("3156", "Código expirado"),)
    )
    return envelope(build_eligibility_reply(header, "999999", answer))


def hostile(tmp: Path) -> dict[str, bytes]:
    secret = tmp / "secret.txt"
    secret.write_text("TOP-SECRET-FILE")
    body = f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><x>&e;</x></soap:Body></soap:Envelope>'
    xxe = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>{body}'
    laughs = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    bomb = f'<?xml version="1.0"?><!DOCTYPE x [{"".join(laughs)}]>' + body.replace("&e;", "&l9;")
    return {"xxe": xxe.encode(), "bomb": bomb.encode()}


# -- the three stacks: load(), then call() per iteration, and parse(bytes) for safety -----------


class LxmlStack:
    """frontdesk.tiss: lxml builds and parses, libxml2's XMLSchema validates."""

    def load(self) -> None:
        sys.path.insert(0, str(SRC))
        from frontdesk.tiss.schema import schema

        schema()

    def call(self, reply: bytes) -> None:
        from frontdesk.tiss.hashing import message_hash, password_digest, same_hash
        from frontdesk.tiss.message import text
        from frontdesk.tiss.models import Header, Party, Prestador, TokenProof
        from frontdesk.tiss.replies import read_eligibility_reply
        from frontdesk.tiss.requests import build_eligibility
        from frontdesk.tiss.schema import errors_of, validate
        from frontdesk.tiss.soap import body_of, envelope

        prestador = Prestador("codigo", "123456")
        header = Header(
            "VERIFICA_ELEGIBILIDADE", "1", "2026-11-18", "08:06:40", Party(prestador=prestador),
            Party(registro_ans="999999"), login="123456", password_digest=password_digest(KEY),
        )  # fmt: skip
        message = build_eligibility(
            header, prestador, "0064800012345678", TokenProof.of_code("123456")
        )
        validate(message)
        envelope(message)
        element = body_of(reply)
        assert errors_of(element) == ()
        assert same_hash(text(element, "hash") or "", message_hash(element, strict=False))
        read_eligibility_reply(element)

    def parse(self, data: bytes) -> None:
        from frontdesk.tiss.soap import body_of

        body_of(data)


class XmlschemaStack:
    """xmlschema (pure Python): encode/decode from dicts, ElementTree, defused parsing."""

    def load(self) -> None:
        import xmlschema  # type: ignore[import-not-found,unused-ignore]

        self.schema = xmlschema.XMLSchema(str(SCHEMAS / "tissWebServicesV4_01_00.xsd"))

    def call(self, reply: bytes) -> None:
        from xml.etree import ElementTree as ET

        import xmlschema

        a = "ans:"
        prestador = {a + "codigoPrestadorNaOperadora": "123456"}
        login = {a + "loginPrestador": "123456", a + "senhaPrestador": md5(KEY)}
        data = {
            "@xmlns:ans": NS,
            a + "cabecalho": {
                a + "identificacaoTransacao": {
                    a + "tipoTransacao": "VERIFICA_ELEGIBILIDADE",
                    a + "sequencialTransacao": "1",
                    a + "dataRegistroTransacao": "2026-11-18",
                    a + "horaRegistroTransacao": "08:06:40",
                },
                a + "origem": {a + "identificacaoPrestador": prestador},
                a + "destino": {a + "registroANS": "999999"},
                a + "Padrao": "4.01.00",
                a + "loginSenhaPrestador": login,
            },
            a + "pedidoElegibilidade": {
                a + "dadosPrestador": prestador,
                a + "numeroCarteira": "0064800012345678",
                a + "codValidacao": "123456",
            },
            a + "hash": "0",
        }  # fmt: skip
        ns = {"ans": NS}
        element = self.schema.encode(data, path="ans:pedidoElegibilidadeWS", namespaces=ns)
        element.find(f"{{{NS}}}hash").text = md5(leaf_texts(element))
        self.schema.validate(element)
        env = ET.Element(f"{{{SOAP}}}Envelope")
        ET.SubElement(env, f"{{{SOAP}}}Body").append(element)
        ET.tostring(env, encoding="ISO-8859-1")
        resource = xmlschema.XMLResource(reply, defuse="always", allow="none")
        body = resource.root[0][0]
        decoded = self.schema.decode(body, validation="strict")
        assert decoded[f"{{{NS}}}hash"] == md5(leaf_texts(body))

    def parse(self, data: bytes) -> None:
        import xmlschema

        xmlschema.XMLResource(data, defuse="always", allow="none")


class ZeepStack:
    """zeep with the official WSDL; the reply parsed by zeep's loader with its forbid flags."""

    def load(self) -> None:
        import zeep
        from zeep.settings import Settings

        # The official WSDL imports xmldsig-core-schema.xsd, which declares entities: zeep
        # refuses it unless entities are allowed while loading.
        settings = Settings(forbid_entities=False, strict=True)
        wsdl = str(SCHEMAS / "tissVerificaElegibilidadeV4_01_00.wsdl")
        self.client = zeep.Client(wsdl, settings=settings)  # type: ignore[no-untyped-call]
        self.service = self.client.bind(
            "tissVerificaElegibilidade", "tissVerificaElegibilidade_Port"
        )
        self.operation = self.service._binding.get("tissVerificaElegibilidade_Operation")

    def call(self, reply: bytes) -> None:
        from lxml import etree

        header = {
            "identificacaoTransacao": {
                "tipoTransacao": "VERIFICA_ELEGIBILIDADE", "sequencialTransacao": "1",
                "dataRegistroTransacao": "2026-11-18", "horaRegistroTransacao": "08:06:40",
            },
            "origem": {"identificacaoPrestador": {"codigoPrestadorNaOperadora": "123456"}},
            "destino": {"registroANS": "999999"},
            "Padrao": "4.01.00",
            "loginSenhaPrestador": {"loginPrestador": "123456", "senhaPrestador": md5(KEY)},
        }  # fmt: skip
        body = {
            "dadosPrestador": {"codigoPrestadorNaOperadora": "123456"},
            "numeroCarteira": "0064800012345678",
            "codValidacao": "123456",
        }
        envelope = self.client.create_message(  # type: ignore[no-untyped-call]
            self.service,
            "tissVerificaElegibilidade_Operation",
            cabecalho=header,
            pedidoElegibilidade=body,
            hash="0",
        )
        message = envelope[0][0]
        message.find(f"{{{NS}}}hash").text = md5(leaf_texts(message))
        etree.tostring(envelope, encoding="ISO-8859-1")
        parsed = self._parse(reply)
        result = self.operation.process_reply(parsed)
        assert result.hash == md5(leaf_texts(parsed[0][0]))

    def _parse(self, data: bytes) -> Any:
        from zeep.loader import parse_xml

        flags = {"forbid_entities": True, "forbid_dtd": True, "forbid_external": True}
        with self.client.settings(**flags):
            return parse_xml(data, self.client.transport, settings=self.client.settings)  # type: ignore[arg-type]

    def parse(self, data: bytes) -> None:
        self._parse(data)


STACK_CLASSES: dict[str, Callable[[], Any]] = {
    "lxml": LxmlStack,
    "xmlschema": XmlschemaStack,
    "zeep": ZeepStack,
}
IMPORTS = {"lxml": "lxml.etree", "xmlschema": "xmlschema", "zeep": "zeep"}


def run_stack(name: str, calls: int, trace: bool) -> dict[str, Any]:
    """In a fresh interpreter: one stack's import, load, per-call and safety figures."""
    import importlib

    if trace:
        import tracemalloc

        tracemalloc.start()
    base = rss_mib()
    started = time.perf_counter()
    importlib.import_module(IMPORTS[name])
    imported = time.perf_counter()
    stack = STACK_CLASSES[name]()
    stack.load()
    loaded = time.perf_counter()
    out: dict[str, Any] = {
        "import_ms": (imported - started) * 1000,
        "load_ms": (loaded - imported) * 1000,
        "rss_mib": rss_mib() - base,
    }
    if trace:
        out["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        return out
    reply = reply_bytes()
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        stack.call(reply)
        times.append((time.perf_counter() - t0) * 1000)
    out |= {"call_p50_ms": statistics.median(times), "call_p95_ms": pct(times, 0.95)}
    with tempfile.TemporaryDirectory() as tmp:
        for attack, data in hostile(Path(tmp)).items():
            t0 = time.perf_counter()
            try:
                stack.parse(data)
                verdict = "ACCEPTED"
            except Exception as error:
                verdict = f"refused ({type(error).__name__})"
                if "TOP-SECRET" in str(error):
                    verdict = "LEAKED the file in its error"
            out[attack] = f"{verdict}, {(time.perf_counter() - t0) * 1000:.1f} ms"
    return out


def in_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"}
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def stacks(calls: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in STACKS:
        probe = subprocess.run(
            [sys.executable, "-c", f"import {IMPORTS[name]}"], capture_output=True, check=False
        )
        if probe.returncode != 0:
            results[name] = {"error": "not installed"}
            continue
        results[name] = in_child("_stack", name, str(calls))
        traced = in_child("_stack", name, "0", "--trace")  # tracemalloc slows all else down
        results[name]["tracemalloc_peak_mib"] = traced.get("tracemalloc_peak_mib", float("nan"))
    return results


# -- the chosen stack, as frontdesk's client ------------------------------------------------------


class CannedTransport:
    """Answers every request with one prepared reply: the client's work without a network."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply

    async def post(self, url: str, body: bytes, headers: Any) -> Any:
        from frontdesk.tiss.transport import HttpReply

        return HttpReply(200, "text/xml; charset=ISO-8859-1", self.reply)

    async def aclose(self) -> None:
        return None


def settings(url: str) -> Any:
    from frontdesk.tiss.tiss_settings import TissSettings

    return TissSettings(url=url, registro_ans="999999", prestador_kind="codigo", prestador="123456")


async def overhead(calls: int) -> dict[str, Any]:
    from frontdesk.tiss.client import TissClient
    from frontdesk.tiss.models import TokenProof
    from frontdesk.tiss.sequence import MemorySequence

    client = TissClient(
        settings("http://127.0.0.1/x"),
        KEY,
        sequence=MemorySequence(),
        transport=CannedTransport(reply_bytes()),
    )
    proof = TokenProof.of_code("123456")
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        await client.check_eligibility("0064800012345678", proof)
        times.append((time.perf_counter() - t0) * 1000)
    steps = step_times(calls)
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": pct(times, 0.95),
        "max_ms": max(times),
        "steps_p50_ms": steps,
    }


def step_times(calls: int) -> dict[str, float]:
    from frontdesk.tiss.hashing import message_hash, password_digest
    from frontdesk.tiss.models import Header, Party, Prestador, TokenProof
    from frontdesk.tiss.replies import read_eligibility_reply
    from frontdesk.tiss.requests import build_eligibility
    from frontdesk.tiss.schema import errors_of, validate
    from frontdesk.tiss.soap import body_of, envelope

    reply = reply_bytes()
    prestador = Prestador("codigo", "123456")
    header = Header(
        "VERIFICA_ELEGIBILIDADE", "1", "2026-11-18", "08:06:40", Party(prestador=prestador),
        Party(registro_ans="999999"), login="123456", password_digest=password_digest(KEY),
    )  # fmt: skip
    steps: dict[str, list[float]] = {}

    def timed(name: str, call: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        value = call()
        steps.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
        return value

    card, proof = "0064800012345678", TokenProof.of_code("1")
    for _ in range(calls):
        message = timed("build + hash", lambda: build_eligibility(header, prestador, card, proof))
        timed("validate request", partial(validate, message))
        timed("envelope (ISO-8859-1)", partial(envelope, message))
        element = timed("parse reply (safe)", lambda: body_of(reply))
        timed("validate reply", partial(errors_of, element))
        timed("check reply hash", partial(message_hash, element, strict=False))
        timed("read reply", partial(read_eligibility_reply, element))
    return {name: statistics.median(values) for name, values in steps.items()}


async def loopback(calls: int) -> dict[str, Any]:
    """Eligibility round trips to `frontdesk serve` (a subprocess) on 127.0.0.1."""
    import re

    from frontdesk.tiss.client import TissClient
    from frontdesk.tiss.models import TokenProof
    from frontdesk.tiss.sequence import MemorySequence

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HOME": tmp, "XDG_DATA_HOME": tmp, "PYTHONPATH": str(SRC)}
        server = subprocess.Popen(
            [sys.executable, "-m", "frontdesk", "serve", "--port", "0", "--db", ":memory:",
             "--api-key", KEY, "--no-access-log"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            found = re.search(
                r"(?:serving on|atendendo em) (http://\S+/v1)", server.stdout.readline()
            )
            assert found, "serve did not start"
            url = found.group(1) + "/tiss/v4.01.00/{operation}"
            client = TissClient(settings(url), KEY, sequence=MemorySequence())
            proof = TokenProof.of_reason("01")
            times = []
            async with client:
                for _ in range(calls + 1):
                    t0 = time.perf_counter()
                    answer = await client.check_eligibility("0064800012345678", proof)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert answer.eligible
        finally:
            server.terminate()
            server.wait(timeout=30)
    first, rest = times[0], times[1:]
    return {"first_ms": first, "p50_ms": statistics.median(rest), "p95_ms": pct(rest, 0.95)}


IMPORT_COST = """
import json, sys, time
sys.path.insert(0, SRC)
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20
r0 = rss(); t0 = time.perf_counter()
import frontdesk.tiss.client
t1 = time.perf_counter()
from frontdesk.tiss.schema import schema
schema()
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1000, "schema_ms": (t2 - t1) * 1000,
                  "rss_mib": rss() - r0}))
"""

LOCAL_MODE = """
import asyncio, json, sys
sys.path.insert(0, SRC)
from frontdesk.local.embedded_client import embedded_client
async def main():
    client, backend = embedded_client(":memory:")
    async with client:
        guides = await client.list_guides(status="awaiting_token")
        number = next(g.number for g in guides if g.beneficiary.name.startswith("Maria"))
        await client.send_token(number, channel_id="c1")
        code = next(m.code for m in await client.outbox() if m.guide == number)
        await client.validate(number, code)
    backend.close()
asyncio.run(main())
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "lxml"
                        or m.startswith("frontdesk.tiss"))))
"""


def python(code: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", f"SRC = {str(SRC)!r}\n" + code],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def client_figures(calls: int) -> dict[str, Any]:
    sys.path.insert(0, str(SRC))
    return {
        "overhead": asyncio.run(overhead(calls)),
        "loopback": asyncio.run(loopback(min(calls, 200))),
        "import": python(IMPORT_COST),
        "local_mode_loads": python(LOCAL_MODE),
    }


# -- report -------------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> str:
    lines = [f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores"]
    if "stacks" in results:
        lines.append(
            "\nstack      import  load   RSS+    tracemalloc  call p50  call p95  XXE / bomb"
        )
        for name, r in results["stacks"].items():
            if "error" in r:
                lines.append(f"{name:<10} {r['error']}")
                continue
            lines.append(
                f"{name:<10} {r['import_ms']:5.0f}ms {r['load_ms']:5.0f}ms {r['rss_mib']:5.1f}MiB "
                f"{r.get('tracemalloc_peak_mib', float('nan')):7.1f}MiB  {r['call_p50_ms']:6.2f}ms "
                f"{r['call_p95_ms']:7.2f}ms  {r['xxe']} / {r['bomb']}"
            )
    if "client" in results:
        c = results["client"]
        o = c["overhead"]
        verdict = "PASS" if o["p95_ms"] <= BUDGET_P95_MS else "FAIL"
        lines.append(
            f"\nclient overhead per check_eligibility: p50 {o['p50_ms']:.2f} ms, p95 "
            f"{o['p95_ms']:.2f} ms, max {o['max_ms']:.2f} ms  [{verdict}: budget p95 <= "
            f"{BUDGET_P95_MS:g} ms]"
        )
        for step, ms in o["steps_p50_ms"].items():
            lines.append(f"  {step:<24} {ms:6.3f} ms (p50)")
        lb = c["loopback"]
        lines.append(
            f"loopback round trip to frontdesk serve: first {lb['first_ms']:.1f} ms (server loads "
            f"lxml), then p50 {lb['p50_ms']:.2f} ms, p95 {lb['p95_ms']:.2f} ms"
        )
        im = c["import"]
        lines.append(
            f"import frontdesk.tiss.client: {im['import_ms']:.0f} ms, schemas {im['schema_ms']:.0f}"
            f" ms, RSS +{im['rss_mib']:.1f} MiB"
        )
        lines.append(f"local mode loads of the TISS stack: {c['local_mode_loads'] or 'nothing'}")
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_stack":
        name, calls = sys.argv[2], int(sys.argv[3])
        print(json.dumps(run_stack(name, calls, trace="--trace" in sys.argv)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=["stacks", "client"])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if args.part in (None, "stacks"):
        results["stacks"] = stacks(args.calls)
    if args.part in (None, "client"):
        results["client"] = client_figures(args.calls)
    print(json.dumps(results, indent=2) if args.json else report(results))
    if "client" in results and results["client"]["overhead"]["p95_ms"] > BUDGET_P95_MS:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
