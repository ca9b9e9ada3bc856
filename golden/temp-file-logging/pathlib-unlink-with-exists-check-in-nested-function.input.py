from pathlib import Path
import logging

_log = logging.getLogger(__name__)


def outer(name):
    def inner():
        target = Path("/var/tmp") / name
        try:
            target.write_text("x")
        finally:
            if Path(name).exists():  # only when it was created
                Path(name).unlink()

    return inner
