from models import UserDB


def detach_sessions(db, user_id):
    user = db.get(UserDB, user_id)
    if user is None:
        return
    user.sessions = []
    db.commit()
