from app.database.models import UserDB


class UserRepository:
    def __init__(self, db):
        self.db = db

    def get_by_role(self, role):
        # Fallback for unknown dialects: Load and filter in Python
        all_users = self.db.query(UserDB).filter(UserDB.is_active == True).all()
        return [user for user in all_users if role in user.roles]

    def get_admins(self):
        admins = []
        everyone = self.db.query(UserDB).all()
        for user in everyone:
            if not user.is_admin:
                continue
            admins.append(user)
        return admins

    def emails(self, domain):
        return [u.email for u in self.db.query(UserDB).all() if u.email.endswith(domain)]

    def everyone(self):
        users = self.db.query(UserDB).all()
        return [user.email for user in users]
