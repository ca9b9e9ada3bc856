from models import ExerciseAttemptDB, ExerciseDB


def drop_attempts_of(db, title):
    for attempt in db.query(ExerciseAttemptDB).join(ExerciseDB).filter(ExerciseDB.title == title):
        db.delete(attempt)
    db.commit()
