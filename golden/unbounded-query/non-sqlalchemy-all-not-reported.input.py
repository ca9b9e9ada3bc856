import asyncio

from app.database.models import SessionDB
from app.models import Article

PRELOADED = SessionDB.query.all()


def articles():
    return Article.objects.all()


def selected(selector):
    return selector.select_related("author").all()


async def gather_all(coros):
    results = await asyncio.gather(*coros)
    return all(results)


def from_elsewhere(session, stmt):
    return session.scalars(stmt).all()


def bitmask(flags):
    return flags.all()
