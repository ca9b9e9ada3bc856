import asyncio


async def notify(user_id: int) -> None:
    await asyncio.sleep(0)


async def handle(user_id: int) -> dict[str, bool]:
    asyncio.create_task(notify(user_id))  # send it in the background
    return {"ok": True}
