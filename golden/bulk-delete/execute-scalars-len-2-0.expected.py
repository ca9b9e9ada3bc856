from sqlalchemy import delete, select

from models import SimulatorEventDB


def purge(session, session_id):
    events_count = session.execute(
        delete(SimulatorEventDB)
        .filter_by(session_id=session_id)
    ).rowcount
    session.commit()
    return {"deleted": events_count}
