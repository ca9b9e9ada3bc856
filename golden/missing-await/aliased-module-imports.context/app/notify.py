async def send(message):
    print(message)
