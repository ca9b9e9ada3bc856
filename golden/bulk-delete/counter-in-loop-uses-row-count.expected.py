from models import SimulatorEventDB


def purge_before(db, cutoff):
    deleted = 0
    deleted += (
        db.query(SimulatorEventDB)
        .filter(SimulatorEventDB.created_at < cutoff)
        .delete(synchronize_session="fetch")
    )
    db.commit()
    return deleted
