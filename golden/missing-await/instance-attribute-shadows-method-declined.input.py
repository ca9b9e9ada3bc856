class Worker:
    def __init__(self, hook=None):
        if hook is not None:
            self.run = hook

    async def run(self):
        print("run")

    async def start(self):
        self.run()
