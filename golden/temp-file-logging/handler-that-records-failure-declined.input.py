import os

failed = []


def job(path):
    try:
        pass
    finally:
        try:
            os.remove(path)
        except OSError:
            failed.append(path)
