"""`python -m tfsuite.e2e [--emulator-endpoint URL]`: the end-to-end run (see tfsuite.e2e.flow)."""

import sys

from tfsuite.e2e.cli import main

sys.exit(main())
