from models import SimulatorEventDB


def purge(db, session_id, notify):
    events = db.query(SimulatorEventDB).filter(SimulatorEventDB.session_id == session_id).all()
    notify(session_id)
    for event in events:
        db.delete(event)
    db.commit()
