from models import SimulatorEventDB


def wipe(db):
    db.query(SimulatorEventDB).delete(synchronize_session="fetch")
    db.commit()
