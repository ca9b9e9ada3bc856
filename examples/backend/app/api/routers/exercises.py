"""Run a student's exercise code in a subprocess and return what it printed."""

import logging
import os
import subprocess
import sys
import tempfile

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from app.config import settings

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/exercises", tags=["exercises"])

SANDBOX_PRELUDE = "import builtins\nbuiltins.input = None\n\n"


class RunRequest(BaseModel):
    code: str


def run_sandboxed(code, timeout):
    sandboxed_code = SANDBOX_PRELUDE + code
    with tempfile.NamedTemporaryFile(mode="w", suffix=".py", delete=False) as f:
        f.write(sandboxed_code)
        temp_file = f.name

    try:
        result = subprocess.run(
            [sys.executable, "-I", temp_file],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return {"stdout": result.stdout, "stderr": result.stderr, "exit_code": result.returncode}
    finally:
        if os.path.exists(temp_file):
            os.remove(temp_file)


@router.post("/{exercise_id}/run")
def run_exercise(exercise_id: str, body: RunRequest):
    try:
        return run_sandboxed(body.code, settings.sandbox_timeout)
    except subprocess.TimeoutExpired:
        raise HTTPException(status_code=408, detail="Execution timed out")
