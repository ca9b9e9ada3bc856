"""User administration."""

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.database.config import get_db
from app.database.repositories import UserRepository

router = APIRouter(prefix="/users", tags=["users"])


def _user_out(user):
    return {"id": user.id, "email": user.email, "is_active": user.is_active, "is_verified": user.is_verified}


@router.post("/{user_id}/verify")
def verify(user_id: str, db: Session = Depends(get_db)):
    user = UserRepository(db).verify_user(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return _user_out(user)


@router.post("/{user_id}/deactivate")
def deactivate(user_id: str, db: Session = Depends(get_db)):
    user = UserRepository(db).deactivate_user(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return _user_out(user)


@router.post("/{user_id}/reactivate")
def reactivate(user_id: str, db: Session = Depends(get_db)):
    user = UserRepository(db).reactivate_user(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return _user_out(user)
