import logging

from models import SimulatorEventDB

log = logging.getLogger(__name__)


def purge(db, session_id):
    for event in db.query(SimulatorEventDB).filter(SimulatorEventDB.session_id == session_id).all():
        log.info("deleting %s", event.id)
        db.delete(event)
    db.commit()
