from sqlalchemy import select

from app.database.models import SessionDB


def latest(db):
    return db.query(SessionDB).order_by(SessionDB.created_at.desc()).limit(20).all()


def window(db):
    return db.query(SessionDB).slice(0, 10).all()


def first_page(session):
    return session.scalars(select(SessionDB).limit(50)).all()


def fetch_first(session):
    return session.execute(select(SessionDB).fetch(5)).scalars().all()


def by_id(db, session_id):
    return db.query(SessionDB).filter(SessionDB.id == session_id).all()


def by_id_kw(db, session_id):
    return db.query(SessionDB).filter_by(id=session_id).all()


def maybe_limited(db, limit=None):
    query = db.query(SessionDB)
    if limit is not None:
        query = query.limit(limit)
    return query.all()
