"""The fast exit after a run (framewatch.cli._exit_now) ends the process even when a thread cannot finish
(a worker blocked on a pipe, a drain waiting on a server already stopped): the exit handlers get
EXIT_GRACE_S, then the process ends with its status and flushed output. (Added while chasing a Ctrl+C test
that waited 600 s under a busy CPU; that turned out to be the suite's own SIGINT, ignored because it was
started as a background job: tests.processes.as_foreground_job.)"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, threading
import framewatch.cli as cli
r, w = os.pipe()
threading.Thread(target=os.read, args=(r, 1)).start()  # not a daemon: the interpreter would wait for it
cli.EXIT_GRACE_S = 1.0
print("interrupted", flush=False)
cli._exit_now(130)
"""


def test_a_thread_that_cannot_finish_does_not_keep_the_command_alive():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600)
    assert done.returncode == 130, done.stderr
    assert done.stdout.strip() == "interrupted"  # flushed before the exit
