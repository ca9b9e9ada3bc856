from jobs.models import Job


def drop_finished(session):
    for job in session.query(Job).filter(Job.state == "finished").all():
        session.delete(job)
    session.commit()
