"""`python -m mdschema`."""

import sys

from mdschema.cli import main

sys.exit(main())
