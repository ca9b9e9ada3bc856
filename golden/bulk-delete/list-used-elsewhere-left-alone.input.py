from models import SimulatorEventDB


def purge(db, session_id):
    events = db.query(SimulatorEventDB).filter(SimulatorEventDB.session_id == session_id).all()
    for event in events:
        db.delete(event)
    db.commit()
    return [e.id for e in events]
