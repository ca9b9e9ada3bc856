from shop.models import Item


def move_to_reserved(session, item_id):
    item = session.get(Item, item_id)
    if item is None:
        return
    item.reserved = item.stock
    item.stock = item.stock - item.reserved
    session.commit()
