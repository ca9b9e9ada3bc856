"""Reset the database for a new term: drop every attempt except the security track's.

    python -m scripts.clean_and_reset_db
"""

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.config import settings
from app.database.models import ExerciseAttemptDB, ExerciseDB, SessionDB


def clean_database(session):
    security_ids = [
        e.id for e in session.query(ExerciseDB).filter(ExerciseDB.category == "security").all()
    ]

    non_sec_attempts = (
        session.query(ExerciseAttemptDB)
        .filter(ExerciseAttemptDB.exercise_id.not_in(security_ids))
        .all()
    )
    for attempt in non_sec_attempts:
        session.delete(attempt)

    for s in session.query(SessionDB).filter(SessionDB.status == "abandoned").all():
        session.delete(s)

    session.commit()


def main():
    engine = create_engine(settings.database_url)
    Session = sessionmaker(bind=engine)
    session = Session()
    try:
        clean_database(session)
        print("Database cleaned")
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()


if __name__ == "__main__":
    main()
