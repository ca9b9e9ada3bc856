from db import SessionLocal
from models import SimulatorEventDB

session = SessionLocal()
for event in session.query(SimulatorEventDB).filter_by(session_id="demo"):
    session.delete(event)
session.commit()
session.close()
