import sys

from tfsuite.upgrade.cli import main

sys.exit(main())
