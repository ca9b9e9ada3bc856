from sqlalchemy import event

from models import SimulatorEventDB


@event.listens_for(SimulatorEventDB, "after_delete")
def forget(mapper, connection, target):
    print("deleted", target.id)


def purge(db, session_id):
    for row in db.query(SimulatorEventDB).filter(SimulatorEventDB.session_id == session_id).all():
        db.delete(row)
    db.commit()
