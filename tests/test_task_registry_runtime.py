"""task-registry at run time: a fixed task survives garbage collection, and leaves when done."""

from __future__ import annotations

import asyncio
import gc
import types

import libcst as cst

from fixkit import registry
from fixkit.engine import apply_codemod

SOURCE = """\
import asyncio


async def wait_forever():
    await asyncio.get_running_loop().create_future()


async def finish_soon():
    await asyncio.sleep(0)


def start(coro):
    asyncio.create_task(coro)
"""


def _load(code: str) -> types.ModuleType:
    module = types.ModuleType("snippet")
    exec(compile(code, "snippet.py", "exec"), module.__dict__)
    return module


def _fixed() -> str:
    out, findings = apply_codemod(
        registry.get("task-registry"), cst.parse_module(SOURCE), "snippet.py"
    )
    assert [f.fixed for f in findings] == [True]
    return out.code


async def _pending_after_gc(module: types.ModuleType) -> int:
    module.start(module.wait_forever())
    await asyncio.sleep(0)  # the task runs up to its await; nothing else holds it now
    gc.collect()
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
    return len(others)


def test_unfixed_task_is_collected_while_pending() -> None:
    # The audit's bug, shown for real: the loop holds its tasks only weakly.
    assert asyncio.run(_pending_after_gc(_load(SOURCE))) == 0


def test_fixed_task_survives_gc_collect() -> None:
    assert asyncio.run(_pending_after_gc(_load(_fixed()))) == 1


def test_fixed_task_leaves_the_registry_when_done() -> None:
    module = _load(_fixed())

    async def scenario() -> int:
        module.start(module.finish_soon())
        assert len(module._background_tasks) == 1
        for _ in range(3):
            await asyncio.sleep(0)
        return len(module._background_tasks)

    assert asyncio.run(scenario()) == 0
