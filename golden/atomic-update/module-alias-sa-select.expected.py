import sqlalchemy as sa

from shop.models import Item


def restock(session, sku, amount):
    result = session.execute(
        sa.update(Item)
        .where(Item.sku == sku)
        .values(stock=Item.stock + amount)
    )
    if result.rowcount == 0:
        return 0
    session.commit()
    return amount
