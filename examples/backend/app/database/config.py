"""Engine and session factory."""

from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.config import settings
from app.database.models import Base


class DatabaseConfig:
    def __init__(self, database_url):
        connect_args = {}
        if database_url.startswith("sqlite"):
            connect_args["check_same_thread"] = False
        self.engine = create_engine(database_url, connect_args=connect_args)
        self.SessionLocal = sessionmaker(bind=self.engine)

    def create_tables(self):
        Base.metadata.create_all(self.engine)

    def close(self):
        self.engine.dispose()


_db_config = None


def get_db_config():
    global _db_config
    if _db_config is None:
        _db_config = DatabaseConfig(settings.database_url)
    return _db_config


def get_db():
    """FastAPI dependency: one session per request."""
    db = get_db_config().SessionLocal()
    try:
        yield db
    finally:
        db.close()


@contextmanager
def get_db_session():
    db = get_db_config().SessionLocal()
    try:
        yield db
        db.commit()
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()
