from sqlalchemy import func

from app.database.models import SessionDB


def count_sessions(db):
    return db.query(func.count(SessionDB.id)).all()


def count_by_status(db):
    return db.query(SessionDB.status, func.count(SessionDB.id)).group_by(SessionDB.status).all()
