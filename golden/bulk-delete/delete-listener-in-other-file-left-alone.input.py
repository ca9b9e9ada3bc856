from models import SimulatorEventDB


def purge(db, session_id):
    for row in db.query(SimulatorEventDB).filter(SimulatorEventDB.session_id == session_id).all():
        db.delete(row)
    db.commit()
