async def rows(query):
    for row in query:
        yield row


async def export(query):
    rows(query)
