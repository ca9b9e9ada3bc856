from models import UserDB


def verify_email(db, email):
    user = db.query(UserDB).filter_by(email=email).one_or_none()
    if not user: return False
    user.is_verified = True
    db.commit()
    return True
