from models import SimulatorEventDB


def move(source, target, session_id):
    for event in source.query(SimulatorEventDB).filter(SimulatorEventDB.session_id == session_id).all():
        target.delete(event)
    target.commit()
