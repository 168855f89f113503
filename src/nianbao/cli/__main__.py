import sys

from nianbao.cli.main import main

sys.exit(main())
