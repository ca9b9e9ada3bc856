from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker


class DatabaseConfig:
    def __init__(self, database_url):
        self.engine = create_engine(database_url)
        self.SessionLocal = sessionmaker(bind=self.engine)

    def create_tables(self):
        pass

    def close(self):
        self.engine.dispose()


_db_config = None


def get_db_config():
    global _db_config
    if _db_config is None:
        _db_config = DatabaseConfig("sqlite:///./app.db")
    return _db_config
