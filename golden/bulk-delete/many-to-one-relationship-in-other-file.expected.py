from models import ExerciseAttemptDB


def drop_attempts(db, exercise_id):
    (
        db.query(ExerciseAttemptDB)
        .filter(ExerciseAttemptDB.exercise_id == exercise_id)
        .delete(synchronize_session="fetch")
    )
    db.commit()
