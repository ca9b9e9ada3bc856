from models import ExerciseAttemptDB


def drop_attempts(db, exercise_id):
    attempts = db.query(ExerciseAttemptDB).filter(ExerciseAttemptDB.exercise_id == exercise_id).all()
    for attempt in attempts:
        db.delete(attempt)
    db.commit()
