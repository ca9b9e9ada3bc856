from models import SimulatorEventDB


def wipe(db):
    for event in db.query(SimulatorEventDB).all():
        db.delete(event)
    db.commit()
