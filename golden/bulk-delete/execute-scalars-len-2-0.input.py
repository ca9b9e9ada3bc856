from sqlalchemy import select

from models import SimulatorEventDB


def purge(session, session_id):
    events = session.execute(select(SimulatorEventDB).filter_by(session_id=session_id)).scalars().all()
    for event in events:
        session.delete(event)
    session.commit()
    return {"deleted": len(events)}
