from models import ExerciseDB


def drop_exercises(db, prefix):
    for exercise in db.query(ExerciseDB).filter(ExerciseDB.title.startswith(prefix)).all():
        db.delete(exercise)
    db.commit()
