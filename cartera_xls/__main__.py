"""``python -m cartera_xls`` — see :mod:`cartera_xls.cli`."""

import contextlib
import os
import sys

from .cli import main

code = main()
with contextlib.suppress(OSError, ValueError):
    sys.stdout.flush()
    sys.stderr.flush()
# The work is done and every file it wrote is closed: leave without tearing down the hundreds of
# megabytes of objects a large refresh built (0.8 s of a 13 s refresh on the L benchmark).
os._exit(code)
