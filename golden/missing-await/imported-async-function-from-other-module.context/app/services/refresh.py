async def refresh_cache(key):
    print(key)


def refresh_sync(key):
    print(key)


async def warm():
    print("warm")
