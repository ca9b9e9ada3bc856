from pathlib import Path
import logging

_log = logging.getLogger(__name__)


def outer(name):
    def inner():
        target = Path("/var/tmp") / name
        try:
            target.write_text("x")
        finally:
            try:  # only when it was created
                Path(name).unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                _log.warning("could not remove temporary file %s: %s", name, exc)

    return inner
