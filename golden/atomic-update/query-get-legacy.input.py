from models import UserDB


class Service:
    def __init__(self, db):
        self.db = db

    def ban(self, user_id):
        user = self.db.query(UserDB).get(user_id)
        if user is None:
            return None
        user.is_active = False
        self.db.commit()
        return user
