from models import UserDB


def rename(db, user_id, name):
    user = db.query(UserDB).filter(UserDB.id == user_id).one()
    user.name = name
    db.commit()
    return user
