from models import SimulatorEventDB


class SimulatorEventRepository:
    def __init__(self, db):
        self.db = db

    def delete_for_session(self, session_id: str) -> None:
        for event in self.db.query(SimulatorEventDB).filter(SimulatorEventDB.session_id == session_id).all():
            self.db.delete(event)
        self.db.commit()
