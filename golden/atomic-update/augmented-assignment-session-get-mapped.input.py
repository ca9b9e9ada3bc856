from sqlalchemy.orm import Session

from shop.models import Item


def reserve(session: Session, item_id: int, quantity: int) -> None:
    item = session.get(Item, item_id)
    if item is None:
        raise KeyError(item_id)
    item.stock -= quantity
    item.reserved += quantity
    session.commit()
