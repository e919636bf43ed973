"""`frontwatch poller` with a short lease, for the exactly-once tests: python -m tests.poller._poller_proc LEASE_S.

The real CLI path (settings, config file, store, bus) with one change: leases last LEASE_S
seconds instead of two minutes, so a killed replica's feeds come back within the test.
"""

from __future__ import annotations

import functools
import sys

import services.app
from services.cli import main
from services.poller.handler import PollerOptions

if __name__ == "__main__":
    services.app.PollerOptions = functools.partial(  # type: ignore[misc]
        PollerOptions, lease_s=float(sys.argv[1]))
    sys.exit(main(["poller"]))
