import shutil
import tempfile as tf
from logging import getLogger

logger = getLogger(__name__)


async def build(repo):
    workdir = tf.mkdtemp()
    try:
        await clone(repo, workdir)
    finally:
        # the checkout is large
        try:
            shutil.rmtree(workdir)
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not remove temporary directory %s: %s", workdir, exc)


async def clone(repo, workdir):
    pass
