from models import UserDB


def bump(db, user_id):
    user = db.get(UserDB, user_id)
    if user is None:
        return 0
    user.login_count += 1
    db.commit()
    return user.login_count
