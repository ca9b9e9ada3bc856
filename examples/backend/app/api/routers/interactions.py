"""Student interactions with the AI tutor."""

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from app.llm.base import LLMError

router = APIRouter(prefix="/interactions", tags=["interactions"])


class InteractionRequest(BaseModel):
    session_id: str
    prompt: str


@router.post("")
async def create_interaction(body: InteractionRequest, request: Request):
    gateway = request.app.state.ai_gateway
    try:
        return await gateway.process_interaction(body.session_id, body.prompt)
    except LLMError as e:
        raise HTTPException(status_code=502, detail=str(e))
