from vendor.models import Ticket


def purge(db):
    for ticket in db.query(Ticket).filter(Ticket.closed == True).all():
        db.delete(ticket)
    db.commit()
