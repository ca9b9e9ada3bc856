from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import SimulatorEventDB


def delete_session_events(session: Session, session_id: str) -> None:
    session.execute(delete(SimulatorEventDB).where(SimulatorEventDB.session_id == session_id))
    session.commit()
