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
