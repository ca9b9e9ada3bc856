import os
import shutil


def delete_upload(path, folder):
    os.remove(path)
    if os.path.exists(path):
        os.unlink(path)
    shutil.rmtree(folder)
    items = [1, 2]
    items.remove(1)
