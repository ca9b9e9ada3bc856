import os


def job(folder, name):
    try:
        pass
    finally:
        os.remove(os.path.join(folder, name))
