from sqlalchemy import select

from app.database.models import SessionDB


def export_selected(db, session_ids):
    sessions = db.query(SessionDB).filter(SessionDB.id.in_(session_ids)).all()
    return sessions


def export_some(db, session_ids):
    stmt = select(SessionDB).where(SessionDB.id.not_in(session_ids)).limit(100)
    return db.scalars(stmt).all()


def by_status(db):
    return db.query(SessionDB).filter(SessionDB.status.in_(["open", "closed"])).limit(10).all()


def by_subquery(db):
    active = select(SessionDB.id).where(SessionDB.status == "open")
    return db.query(SessionDB).filter(SessionDB.id.in_(active)).limit(10).all()


def not_sqlalchemy(tags, wanted):
    return [t for t in tags if t.name.in_(wanted)]
