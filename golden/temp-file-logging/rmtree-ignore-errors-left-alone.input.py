import shutil
import tempfile


def job():
    workdir = tempfile.mkdtemp()
    try:
        pass
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
