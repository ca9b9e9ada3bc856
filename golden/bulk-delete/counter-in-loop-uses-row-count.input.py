from models import SimulatorEventDB


def purge_before(db, cutoff):
    deleted = 0
    for event in db.query(SimulatorEventDB).filter(SimulatorEventDB.created_at < cutoff):
        db.delete(event)
        deleted += 1
    db.commit()
    return deleted
