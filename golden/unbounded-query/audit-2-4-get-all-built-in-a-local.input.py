from app.database.models import ExerciseDB


class ExerciseRepository:
    def __init__(self, db):
        self.db = db

    def get_all(self):
        query = self.db.query(ExerciseDB)
        query = query.filter(ExerciseDB.active == True)
        return query.order_by(ExerciseDB.created_at).all()  # No limit!

    def get_page(self, page, size=50):
        query = self.db.query(ExerciseDB).order_by(ExerciseDB.id)
        query = query.limit(size).offset(page * size)
        return query.all()
