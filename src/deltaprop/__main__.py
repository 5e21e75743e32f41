"""``python -m deltaprop`` = the ``deltaprop`` command."""

import sys

from .cli import main

sys.exit(main())
