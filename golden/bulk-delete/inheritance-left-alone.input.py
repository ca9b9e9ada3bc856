from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Person(Base):
    __tablename__ = "people"
    id = Column(Integer, primary_key=True)
    kind = Column(String)
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "person"}


class Engineer(Person):
    __tablename__ = "engineers"
    id = Column(Integer, ForeignKey("people.id"), primary_key=True)
    level = Column(Integer)
    __mapper_args__ = {"polymorphic_identity": "engineer"}


def drop_juniors(db):
    for engineer in db.query(Engineer).filter(Engineer.level < 2).all():
        db.delete(engineer)
    db.commit()
