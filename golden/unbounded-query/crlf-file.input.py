from app.database.models import SessionDB


def all_sessions(db):
    return db.query(SessionDB).all()
