from sqlalchemy import select

from app.database.models import UserDB


def by_key(db, key):
    return db.query(UserDB).filter(UserDB.user_key == key).all()


def by_email(session, email):
    return session.scalars(select(UserDB).where(email == UserDB.email)).all()


def by_email_kw(db, email):
    return db.query(UserDB).filter_by(email=email).all()


def by_role(db, role):
    return db.query(UserDB).filter(UserDB.role == role).all()


def by_id_guess(db, user_id):
    return db.query(UserDB).filter(UserDB.id == user_id).all()
