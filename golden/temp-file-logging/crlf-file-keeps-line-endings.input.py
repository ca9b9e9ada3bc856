import os
import tempfile


def render(data):
    tmp = tempfile.NamedTemporaryFile(delete=False).name
    try:
        draw(tmp, data)
    finally:
        os.remove(tmp)


def draw(path, data):
    pass
