from sqlalchemy import update, select
from sqlalchemy.orm import Session

from models import UserDB


def record_login(db: Session, user_id: str):
    result = db.execute(
        update(UserDB)
        .where(UserDB.id == user_id)
        .values(login_count=UserDB.login_count + 1)
    )
    if result.rowcount == 0:
        return None
    db.commit()
    return db.execute(select(UserDB).where(UserDB.id == user_id)).scalar_one_or_none()
