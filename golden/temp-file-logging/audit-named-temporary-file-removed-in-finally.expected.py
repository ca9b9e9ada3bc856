import os
import subprocess
import tempfile

from fastapi import APIRouter
import logging

logger = logging.getLogger(__name__)

router = APIRouter()


@router.post("/run")
def run_code(sandboxed_code: str) -> dict:
    with tempfile.NamedTemporaryFile(mode='w', suffix='.py', delete=False) as f:
        f.write(sandboxed_code)
        temp_file = f.name

    try:
        result = subprocess.run(['python', temp_file], capture_output=True, timeout=5)
    finally:
        try:
            os.remove(temp_file)  # Can fail silently!
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning('could not remove temporary file %s: %s', temp_file, exc)
    return {'stdout': result.stdout}
