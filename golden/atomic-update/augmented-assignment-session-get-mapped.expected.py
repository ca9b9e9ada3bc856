from sqlalchemy.orm import Session

from shop.models import Item
from sqlalchemy import update


def reserve(session: Session, item_id: int, quantity: int) -> None:
    result = session.execute(
        update(Item)
        .where(Item.id == item_id)
        .values(stock=Item.stock - quantity, reserved=Item.reserved + quantity)
    )
    if result.rowcount == 0:
        raise KeyError(item_id)
    session.commit()
