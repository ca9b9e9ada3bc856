"""``python -m fixkit``."""

from fixkit.cli import main

main()
