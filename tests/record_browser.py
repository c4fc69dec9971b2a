"""A stand-in browser for tests: records the URL it is asked to open (webbrowser's BROWSER)."""

import os
import sys

with open(os.environ["SHEAF_TEST_BROWSER_LOG"], "a", encoding="utf-8") as log:
    log.write(sys.argv[1] + "\n")
