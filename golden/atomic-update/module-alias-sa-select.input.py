import sqlalchemy as sa

from shop.models import Item


def restock(session, sku, amount):
    item = session.scalars(sa.select(Item).where(Item.sku == sku)).first()
    if not item:
        return 0
    item.stock = Item.stock + amount
    session.commit()
    return amount
