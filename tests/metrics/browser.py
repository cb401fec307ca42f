"""Headless Chromium for the dashboard test: Debian's package, installed on first use as root."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Without these Chromium reaches for update, sync and safe-browsing servers and, on a closed
# network, hangs until they time out.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--hide-scrollbars")


def ensure_chromium() -> Path:
    """The chromium binary, installing Debian's `chromium` package when missing and root."""
    found = shutil.which("chromium")
    if found is not None:
        return Path(found)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError("Chromium is missing: `apt-get install chromium` (as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "-o", "DPkg::Lock::Timeout=600", "update"],
                ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "chromium"]):
        print(f"ringway: Chromium not found, running: {' '.join(cmd)}", file=sys.stderr)
        subprocess.run(cmd, check=True, env=env, stdout=sys.stderr)
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("installed the chromium package but `chromium` is not on PATH")
    return Path(found)


async def dump_dom(chromium: Path, url: str, *, wait_ms: int = 8000,
                   timeout_s: float = 90.0) -> str:
    """The page's DOM after its scripts ran for `wait_ms` of virtual time."""
    with tempfile.TemporaryDirectory() as profile:
        process = await asyncio.create_subprocess_exec(
            str(chromium), *FLAGS, f"--user-data-dir={profile}",
            f"--virtual-time-budget={wait_ms}", "--window-size=1280,1600", "--dump-dom", url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(), timeout_s)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
    if process.returncode != 0:
        raise RuntimeError(f"chromium exited {process.returncode}: {err.decode()[-2000:]}")
    return out.decode()
