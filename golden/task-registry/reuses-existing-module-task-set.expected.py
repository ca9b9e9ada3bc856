import asyncio

_tasks = set()


async def ping() -> None:
    await asyncio.sleep(0)


def fire() -> None:
    loop = asyncio.get_event_loop()
    task = loop.create_task(ping())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
