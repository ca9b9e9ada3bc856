from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class UserDB(Base):
    __tablename__ = "users"

    user_key = Column(String, primary_key=True)
    email = Column(String, unique=True)
    role = Column(String)
