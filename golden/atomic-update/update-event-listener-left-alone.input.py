from sqlalchemy import event

from models import UserDB


@event.listens_for(UserDB, "before_update")
def stamp(mapper, connection, target):
    target.name = target.name.strip()


def verify(db, user_id):
    user = db.get(UserDB, user_id)
    if user is None:
        return None
    user.is_verified = True
    db.commit()
    return user
