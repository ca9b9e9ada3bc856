from models import SimulatorEventDB


def trim_oldest(db, n):
    for event in db.query(SimulatorEventDB).order_by(SimulatorEventDB.created_at).limit(n).all():
        db.delete(event)
    db.commit()
