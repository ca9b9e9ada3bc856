from app.monitoring.metrics import metrics_histogram


def graded(student_id, agent, seconds):
    metrics_histogram("answer_seconds", {"student_id": student_id, "agent": agent}, seconds)
