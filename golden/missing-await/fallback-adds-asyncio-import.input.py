from asyncio import get_running_loop


async def refresh(key):
    print(key)


def refresh_soon(key):
    try:
        get_running_loop()
    except RuntimeError:
        refresh(key)
    else:
        print("a loop is running: schedule it there")
