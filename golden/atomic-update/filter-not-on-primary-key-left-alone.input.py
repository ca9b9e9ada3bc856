from models import UserDB


def verify_by_name(db, name):
    user = db.query(UserDB).filter(UserDB.name == name).first()
    if user is None:
        return None
    user.is_verified = True
    db.commit()
    return user
