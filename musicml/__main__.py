"""`python -m musicml`: the command line."""

import sys

from musicml.cli import main

sys.exit(main())
