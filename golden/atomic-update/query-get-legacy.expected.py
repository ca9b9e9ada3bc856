from models import UserDB


class Service:
    def __init__(self, db):
        self.db = db

    def ban(self, user_id):
        updated = self.db.query(UserDB).filter(UserDB.id == user_id).update(
            {UserDB.is_active: False},
            synchronize_session="fetch",
        )
        if updated == 0:
            return None
        self.db.commit()
        return self.db.query(UserDB).get(user_id)
