"""The detached process that finishes a command's shadow drops: `python -m mdschema.migrations.dropper`.

Reads {"admin_url": …, "names": […]} from stdin (never from the command line: the URL may hold a
password) and drops each database, waiting for it. A drop that fails leaves the database to the next
command's clean-up (invalid and stale shadows are dropped by migrations/shadow.py).
"""

from __future__ import annotations

import json
import re
import sys

from mdschema.database import drop_database

# the names Shadows.new gives (`mds_<label>_<hex seconds>_<8 hex>`): never a template, never anything else
SHADOW_NAME = re.compile(r"mds_[a-z]+_[0-9a-f]+_[0-9a-f]{8}")


def main() -> int:
    request = json.loads(sys.stdin.read() or "{}")
    admin_url, names = request.get("admin_url"), request.get("names", [])
    if not isinstance(admin_url, str) or not isinstance(names, list):
        return 2
    status = 0
    for name in names:
        if not isinstance(name, str) or not SHADOW_NAME.fullmatch(name):
            status = 2  # only ever a shadow database
            continue
        try:
            drop_database(admin_url, name)
        except Exception:  # noqa: BLE001 - nobody is listening: the next command cleans up
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
