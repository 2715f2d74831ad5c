"""``python -m worker [options]`` is ``assess worker [options]`` (used by `assess serve`)."""

import sys

from assess.cli import main

main(args=["worker", *sys.argv[1:]], prog_name="assess worker")
