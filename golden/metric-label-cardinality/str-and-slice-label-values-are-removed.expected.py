from prometheus_client import Summary

from app.monitoring.metrics import record_metric

DURATION = Summary("task_duration_seconds", "Task duration", ["task"])


def done(task, student, seconds):
    DURATION.labels(task=task.name).observe(seconds)
    record_metric("tasks_done", {"task": task.name})
