"""Repositories: the only code that talks to the ORM."""

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy.orm import Session

from app.database.models import ExerciseAttemptDB, SessionDB, UserDB


class BaseRepository:
    model = None

    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id):
        return self.db.query(self.model).filter(self.model.id == id).first()

    def add(self, obj):
        self.db.add(obj)
        self.db.commit()
        self.db.refresh(obj)
        return obj


class UserRepository(BaseRepository):
    model = UserDB

    def get_by_id(self, user_id: str) -> Optional[UserDB]:
        return self.db.query(UserDB).filter(UserDB.id == user_id).first()

    def get_by_email(self, email: str) -> Optional[UserDB]:
        return self.db.query(UserDB).filter(UserDB.email == email).first()

    def create(self, user_id: str, email: str, full_name: str = "") -> UserDB:
        return self.add(UserDB(id=user_id, email=email, full_name=full_name))

    def update_last_login(self, user_id: str) -> bool:
        rows = self.db.query(UserDB).filter(UserDB.id == user_id).update(
            {UserDB.last_login: datetime.now(timezone.utc)},
            synchronize_session="fetch",
        )
        self.db.commit()
        return rows > 0

    def verify_user(self, user_id: str) -> Optional[UserDB]:
        user = self.get_by_id(user_id)
        if not user:
            return None
        user.is_verified = True
        self.db.commit()
        return user

    def deactivate_user(self, user_id: str) -> Optional[UserDB]:
        user = self.get_by_id(user_id)
        if not user:
            return None
        user.is_active = False
        self.db.commit()
        return user

    def reactivate_user(self, user_id: str) -> Optional[UserDB]:
        user = self.get_by_id(user_id)
        if not user:
            return None
        user.is_active = True
        self.db.commit()
        return user


class SessionRepository(BaseRepository):
    model = SessionDB

    def get_by_id(self, session_id: str) -> Optional[SessionDB]:
        return self.db.query(SessionDB).filter(SessionDB.id == session_id).first()

    def create(self, session_id: str, student_id: str, mode: str = "tutor") -> SessionDB:
        return self.add(SessionDB(id=session_id, student_id=student_id, mode=mode))

    def update_status(self, session_id: str, status: str) -> Optional[SessionDB]:
        session = self.get_by_id(session_id)
        if not session:
            return None
        session.status = status
        self.db.commit()
        return session

    def increment_interaction_count(self, session_id: str) -> Optional[SessionDB]:
        session = self.get_by_id(session_id)
        if not session:
            return None
        session.interaction_count = session.interaction_count + 1
        self.db.commit()
        return session


class ExerciseAttemptRepository(BaseRepository):
    model = ExerciseAttemptDB

    def record(self, exercise_id: str, student_id: str, score: int) -> ExerciseAttemptDB:
        return self.add(ExerciseAttemptDB(exercise_id=exercise_id, student_id=student_id, score=score))
