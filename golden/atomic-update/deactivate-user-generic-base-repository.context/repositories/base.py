from sqlalchemy.orm import Session


class BaseRepository:
    model = None

    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id):
        """One row by primary key, or None."""
        return self.db.query(self.model).filter(self.model.id == id).first()
