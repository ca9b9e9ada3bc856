from fastapi import APIRouter, Depends

from app.database import get_db
from app.database.models import CognitiveTraceDB, SessionDB

router = APIRouter()


@router.get("/export")
def export_sessions(student_id: str, db=Depends(get_db)):
    filters = [SessionDB.student_id == student_id]
    sessions = db.query(SessionDB).filter(*filters).all()  # No limit!
    traces = (
        db.query(CognitiveTraceDB)
        .filter(CognitiveTraceDB.session_id == sessions[0].id)
        .order_by(CognitiveTraceDB.created_at)
        .all()
    )  # All into memory!
    return {"sessions": sessions, "traces": traces}
