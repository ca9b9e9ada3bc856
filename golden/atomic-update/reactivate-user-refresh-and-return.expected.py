from models import UserDB


class UserRepository:
    def __init__(self, db):
        self.db = db

    def get_by_id(self, user_id):
        return self.db.get(UserDB, user_id)

    def reactivate_user(self, user_id):
        updated = self.db.query(UserDB).filter(UserDB.id == user_id).update(
            {UserDB.is_active: True, UserDB.deactivated_at: None},
            synchronize_session="fetch",
        )
        if updated == 0:
            raise LookupError(f"no user {user_id}")
        self.db.commit()
        return self.get_by_id(user_id)

    def list_active(self):
        return self.db.query(UserDB).filter(UserDB.is_active.is_(True)).all()
