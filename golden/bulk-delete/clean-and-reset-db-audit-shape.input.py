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
        non_sec_attempts = session.query(ExerciseAttemptDB).filter(ExerciseAttemptDB.is_sec == False).all()
        for attempt in non_sec_attempts:
            session.delete(attempt)  # N separate delete operations!
        session.commit()
        print(f"Deleted {len(non_sec_attempts)} non-SEC attempts")
    finally:
        session.close()
