from sqlalchemy import select
from sqlalchemy.orm import Session

from models import SimulatorEventDB


def delete_session_events(session: Session, session_id: str) -> None:
    for event in session.scalars(select(SimulatorEventDB).where(SimulatorEventDB.session_id == session_id)).all():
        session.delete(event)
    session.commit()
