import sqlalchemy as sa

from jobs.models import JobLog


def drop_debug_logs(session):
    count = 0
    for log in session.scalars(sa.select(JobLog).where(JobLog.level == "debug")):
        session.delete(log)
        count += 1
    session.commit()
    return count
