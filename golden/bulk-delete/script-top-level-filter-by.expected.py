from db import SessionLocal
from models import SimulatorEventDB

session = SessionLocal()
session.query(SimulatorEventDB).filter_by(session_id="demo").delete(synchronize_session="fetch")
session.commit()
session.close()
