"""User repository (audit 5.2)."""
from typing import Optional

from sqlalchemy.orm import Session

from models import UserDB


class UserRepository:
    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, user_id: str) -> Optional[UserDB]:
        return self.db.query(UserDB).filter(UserDB.id == user_id).first()

    def verify_user(self, user_id: str) -> Optional[UserDB]:
        """Mark the user's e-mail address as verified."""
        updated = self.db.query(UserDB).filter(UserDB.id == user_id).update(
            {UserDB.is_verified: True},
            synchronize_session="fetch",
        )
        if updated == 0:
            return None
        self.db.commit()
        return self.get_by_id(user_id)
