from datetime import datetime, timezone

from models import UserDB
from repositories.base import BaseRepository


class UserRepository(BaseRepository):
    model = UserDB

    def deactivate_user(self, user_id: str) -> bool:
        # Soft delete: keep the row for the audit trail.
        updated = self.db.query(UserDB).filter(UserDB.id == user_id).update(
            {UserDB.is_active: False, UserDB.deactivated_at: datetime.now(timezone.utc)},
            synchronize_session="fetch",
        )
        if updated == 0:
            return False
        self.db.commit()
        return True
