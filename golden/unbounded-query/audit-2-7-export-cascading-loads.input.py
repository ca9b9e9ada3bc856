from app.database.models import AttemptDB, SessionDB, TraceDB


def export_student(db, student_id):
    rows = []
    for session in db.query(SessionDB).filter(SessionDB.student_id == student_id).all():
        traces = db.query(TraceDB).filter(TraceDB.session_id == session.id).all()
        attempts = db.query(AttemptDB).filter_by(session_id=session.id).all()
        rows.append((session, traces, attempts))
    return rows
