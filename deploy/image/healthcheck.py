"""Container healthcheck: exit 0 when the process answers PATH (default /healthz) on its port."""

import os
import sys
import urllib.request

PATH = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}{PATH}"

try:
    with urllib.request.urlopen(URL, timeout=2) as response:  # noqa: S310 - fixed loopback URL
        sys.exit(0 if response.status == 200 else 1)
except OSError:  # refused, timed out, or an HTTP error status (HTTPError is an OSError)
    sys.exit(1)
