from vendor.models import Ticket


def close(db, ticket_id):
    ticket = db.get(Ticket, ticket_id)
    if ticket is None:
        return
    ticket.status = "closed"
    db.commit()
