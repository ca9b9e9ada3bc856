from repositories.base import BaseRepository


class UserRepository(BaseRepository):
    def verify_user(self, user_id):
        user = self.get_by_id(user_id)
        if not user:
            return None
        user.is_verified = True
        self.db.commit()
        return user
