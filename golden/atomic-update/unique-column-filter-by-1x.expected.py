from models import UserDB


def verify_email(db, email):
    updated = db.query(UserDB).filter_by(email=email).update(
        {UserDB.is_verified: True},
        synchronize_session="fetch",
    )
    if updated == 0: return False
    db.commit()
    return True
