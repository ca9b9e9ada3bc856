from models import UserDB


def set_display(db, user_id, text):
    user = db.get(UserDB, user_id)
    if user is None:
        return
    user.display_name = text
    db.commit()
