import logging

from models import UserDB

log = logging.getLogger(__name__)


def verify(db, user_id):
    user = db.get(UserDB, user_id)
    if user is None:
        return None
    user.is_verified = True
    db.commit()
    log.info("verified %s", user_id)
    return user
