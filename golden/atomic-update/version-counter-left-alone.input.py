from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    title = Column(String)
    version = Column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


def retitle(db, document_id, title):
    document = db.get(Document, document_id)
    if document is None:
        return None
    document.title = title
    db.commit()
    return document
