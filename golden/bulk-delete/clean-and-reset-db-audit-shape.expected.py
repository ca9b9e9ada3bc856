"""Remove non-SEC exercise attempts (audit 2.2)."""
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from models import ExerciseAttemptDB


def clean(config):
    engine = create_engine(config.database_url)
    Session = sessionmaker(bind=engine)
    session = Session()
    try:
        # Attempts of exercises that are not part of the SEC set.
        non_sec_attempts_count = (
            session.query(ExerciseAttemptDB)
            .filter(ExerciseAttemptDB.is_sec == False)
            .delete(synchronize_session="fetch")
        )
        session.commit()
        print(f"Deleted {non_sec_attempts_count} non-SEC attempts")
    finally:
        session.close()
