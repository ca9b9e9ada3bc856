import asyncio as aio

import app.notify as notify_mod
import app.notify


class Reporter:
    def report(self, message):
        try:
            aio.get_running_loop()
        except RuntimeError:
            aio.run(app.notify.send(message))
            return
        aio.get_running_loop().create_task(notify_mod.send(message))

    async def report_async(self, message):
        await notify_mod.send(message)
