import os


def job(path, keep):
    try:
        pass
    finally:
        if not keep: os.remove(path)
        os.remove(path); print("removed")
