import sqlalchemy as sa
from sqlalchemy import select

from app.database.models import SessionDB, TraceDB


async def list_sessions(session):
    result = await session.execute(select(SessionDB).where(SessionDB.status == "open"))
    return result.scalars().all()


def list_traces(session):
    return session.execute(select(TraceDB).order_by(TraceDB.created_at)).scalars().all()


def list_traces_scalars(session):
    return session.scalars(sa.select(TraceDB)).all()


def list_from_statement(session, status):
    stmt = select(SessionDB)
    stmt = stmt.where(SessionDB.status == status)
    return session.scalars(stmt).all()


def rows(session):
    return session.execute(select(SessionDB.id, SessionDB.status)).all()
