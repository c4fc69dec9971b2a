"""A stand-in browser for tests: records the URL it is asked to open (webbrowser's BROWSER),
and, where ``SHEAF_TEST_BROWSER_ENV`` names a folder, the environment it was started with
(one JSON file per start), so tests can check what programs Sheaf starts inherit."""

import json
import os
import sys

with open(os.environ["SHEAF_TEST_BROWSER_LOG"], "a", encoding="utf-8") as log:
    log.write(sys.argv[1] + "\n")
folder = os.environ.get("SHEAF_TEST_BROWSER_ENV")
if folder:
    path = os.path.join(folder, f"env-{os.getpid()}.json")
    with open(path + ".partial", "w", encoding="utf-8") as f:
        json.dump(dict(os.environ), f)
    os.replace(path + ".partial", path)
