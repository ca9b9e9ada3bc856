import os
import subprocess
import tempfile

from fastapi import APIRouter

router = APIRouter()


@router.post("/run")
def run_code(sandboxed_code: str) -> dict:
    with tempfile.NamedTemporaryFile(mode='w', suffix='.py', delete=False) as f:
        f.write(sandboxed_code)
        temp_file = f.name

    try:
        result = subprocess.run(['python', temp_file], capture_output=True, timeout=5)
    finally:
        if os.path.exists(temp_file):
            os.remove(temp_file)  # Can fail silently!
    return {'stdout': result.stdout}
