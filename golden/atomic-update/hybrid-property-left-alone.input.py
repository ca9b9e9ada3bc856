from sqlalchemy import Column, Integer
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)
    cents = Column(Integer, nullable=False)

    @hybrid_property
    def balance(self):
        return self.cents / 100

    @balance.setter
    def balance(self, value):
        self.cents = int(value * 100)


def set_balance(db, account_id, value):
    account = db.get(Account, account_id)
    if account is None:
        return None
    account.balance = value
    db.commit()
