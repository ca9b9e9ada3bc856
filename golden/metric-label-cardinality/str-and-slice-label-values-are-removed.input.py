from prometheus_client import Summary

from app.monitoring.metrics import record_metric

DURATION = Summary("task_duration_seconds", "Task duration", ["task", "student_id"])


def done(task, student, seconds):
    DURATION.labels(task=task.name, student_id=str(student.id)[:8]).observe(seconds)
    record_metric("tasks_done", {"task": task.name, "session_uuid": f"{student.session}"})
