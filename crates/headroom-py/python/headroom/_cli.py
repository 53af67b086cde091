"""The `headroom` console script: the Rust CLI, run in this process."""

from __future__ import annotations

import os
import signal
import sys
import sysconfig

from headroom import _core


def _program() -> str | None:
    """The script that runs this CLI, for commands that start it again (`wrap`, `mcp install`)."""
    invoked = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if os.path.basename(invoked).startswith("headroom") and os.path.isfile(invoked):
        return invoked
    scripts = sysconfig.get_path("scripts")
    for name in ("headroom", "headroom.exe"):
        candidate = os.path.join(scripts, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def main() -> None:
    # Behave like the native binary: Ctrl-C ends the process, except where the CLI handles it
    # itself (the proxy drains and exits 0). Python's handler would only run after Rust returns.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(_core._cli_main(["headroom", *sys.argv[1:]], _program()))


if __name__ == "__main__":
    main()
