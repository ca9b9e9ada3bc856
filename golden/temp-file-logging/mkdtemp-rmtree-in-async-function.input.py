import shutil
import tempfile as tf
from logging import getLogger


async def build(repo):
    workdir = tf.mkdtemp()
    try:
        await clone(repo, workdir)
    finally:
        # the checkout is large
        shutil.rmtree(workdir)


async def clone(repo, workdir):
    pass
