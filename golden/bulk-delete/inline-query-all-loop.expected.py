from models import SimulatorEventDB


class SimulatorEventRepository:
    def __init__(self, db):
        self.db = db

    def delete_for_session(self, session_id: str) -> None:
        (
            self.db.query(SimulatorEventDB)
            .filter(SimulatorEventDB.session_id == session_id)
            .delete(synchronize_session="fetch")
        )
        self.db.commit()
