"""`python -m postings` is the `postings` command."""

import sys

from postings.cli import main

sys.exit(main())
