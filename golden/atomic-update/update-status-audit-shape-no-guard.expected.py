from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class SessionDB(Base):
    __tablename__ = "sessions"
    id = Column(String, primary_key=True)
    status = Column(String, nullable=False)


class SessionRepository:
    def __init__(self, db):
        self.db = db

    def get_by_id(self, session_id: str):
        return self.db.query(SessionDB).filter(SessionDB.id == session_id).first()

    def update_status(self, session_id: str, status: str):
        updated = self.db.query(SessionDB).filter(SessionDB.id == session_id).update(
            {SessionDB.status: status},
            synchronize_session="fetch",
        )
        self.db.commit()
