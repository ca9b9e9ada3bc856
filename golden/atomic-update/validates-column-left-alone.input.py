from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base, validates

Base = declarative_base()


class Contact(Base):
    __tablename__ = "contacts"
    id = Column(Integer, primary_key=True)
    phone = Column(String)

    @validates("phone")
    def normalise(self, key, value):
        return value.replace(" ", "")


def set_phone(db, contact_id, phone):
    contact = db.get(Contact, contact_id)
    if contact is None:
        return
    contact.phone = phone
    db.commit()
