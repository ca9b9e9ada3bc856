from sqlalchemy import select
from sqlalchemy.orm import Session

from models import UserDB


def record_login(db: Session, user_id: str):
    user = db.execute(select(UserDB).where(UserDB.id == user_id)).scalar_one_or_none()
    if user is None:
        return None
    user.login_count = user.login_count + 1
    db.commit()
    return user
