"""Run by tests/web/test_forked.py in a fresh interpreter: import what the fork server
preloads, then walk one desk through a release (lookup, guide, Enviar Token by SMS, the
code, GUIA AUTORIZADA) and print, as JSON, the modules it imported that the fork server had
not: each one a forked desk would import, on its own pages, again."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys

from frontdesk.web.forked import PRELOAD

for name in PRELOAD[:-1]:  # not the freeze
    importlib.import_module(name)

from app.desk_harness import latest_code, make_desk, press, running, screen_name  # noqa: E402

preloaded = set(sys.modules)


async def release() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk, size=(100, 30)) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter")
        await press(pilot, *await latest_code(desk, guide.number), "enter")
        assert screen_name(desk.app) == "ResultScreen", screen_name(desk.app)
        await press(pilot, "enter")
        assert screen_name(desk.app) == "LookupScreen", screen_name(desk.app)


asyncio.run(release())
print(json.dumps(sorted(set(sys.modules) - preloaded)))
