from models import UserDB
from mail import send_welcome


def verify_and_welcome(db, user_id):
    user = db.get(UserDB, user_id)
    if not user:
        return None
    user.is_verified = True
    send_welcome(user)
    db.commit()
    return user
