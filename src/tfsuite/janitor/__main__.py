"""`python -m tfsuite.janitor --older-than-hours N`: the janitor (see tfsuite.janitor.sweep)."""

import sys

from tfsuite.janitor.sweep import main

sys.exit(main())
