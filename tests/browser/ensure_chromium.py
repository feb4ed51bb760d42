"""Make sure Debian's Chromium is installed for the browser tests; never download a browser.

Run as `python -m tests.browser.ensure_chromium` (the Makefile does). Installs the `chromium`
apt package when it is missing and we are root; otherwise explains what to install.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"{CHROMIUM} is missing: install Debian's package with `apt-get install chromium`.")
        return 1
    print("Installing Debian's chromium package for the browser tests…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return 0 if os.path.exists(CHROMIUM) else 1


if __name__ == "__main__":
    sys.exit(main())
