from datetime import datetime, timezone

from models import UserDB
from repositories.base import BaseRepository


class UserRepository(BaseRepository):
    model = UserDB

    def deactivate_user(self, user_id: str) -> bool:
        user = self.get_by_id(user_id)
        if user is None:
            return False
        # Soft delete: keep the row for the audit trail.
        user.is_active = False
        user.deactivated_at = datetime.now(timezone.utc)
        self.db.commit()
        return True
