"""``python -m cartera_xls`` — see :mod:`cartera_xls.cli`."""

from .cli import main

raise SystemExit(main())
