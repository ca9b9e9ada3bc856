from models import UserDB


class UserRepository:
    def __init__(self, db):
        self.db = db

    def get_by_id(self, user_id):
        return self.db.get(UserDB, user_id)

    def reactivate_user(self, user_id):
        user = self.get_by_id(user_id)
        if not user:
            raise LookupError(f"no user {user_id}")
        user.is_active = True
        user.deactivated_at = None
        self.db.commit()
        self.db.refresh(user)
        return user

    def list_active(self):
        return self.db.query(UserDB).filter(UserDB.is_active.is_(True)).all()
