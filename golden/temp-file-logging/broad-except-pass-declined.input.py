import os


def job(path):
    try:
        pass
    finally:
        try:
            os.remove(path)
        except Exception:
            pass
