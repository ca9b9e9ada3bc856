from models import UserDB
from sqlalchemy.exc import NoResultFound


def rename(db, user_id, name):
    updated = db.query(UserDB).filter(UserDB.id == user_id).update(
        {UserDB.name: name},
        synchronize_session="fetch",
    )
    if updated == 0:
        raise NoResultFound("No row was found when one was required")
    db.commit()
    return db.query(UserDB).filter(UserDB.id == user_id).one()
