from models import UserDB


def tag(db, user_id):
    user = db.get(UserDB, user_id)
    if not user:
        return
    user.tags = "vip"
    db.commit()
