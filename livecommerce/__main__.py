import sys

from livecommerce.cli import main

sys.exit(main())
