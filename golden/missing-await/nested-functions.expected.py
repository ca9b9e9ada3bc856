async def handle(request):
    async def audit(event):
        print(event)

    def in_thread():
        audit(request)

    await audit(request)
    in_thread()

    async def inner():
        await audit("inner")

    await inner()


def plain(request):
    async def later():
        print(request)

    later()
