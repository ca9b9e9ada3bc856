import sqlalchemy as sa

from jobs.models import JobLog


def drop_debug_logs(session):
    count = 0
    count += session.execute(sa.delete(JobLog).where(JobLog.level == "debug")).rowcount
    session.commit()
    return count
