import os

logger = None


def job(path):
    try:
        pass
    finally:
        os.remove(path)
