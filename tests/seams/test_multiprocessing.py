"""Guards of the standard library's private names that the forked desks rely on
(docs/architecture.md, "Private seams"). Not pinned: these fail on a Python that changed
them."""

from __future__ import annotations

import atexit
from multiprocessing import forkserver, resource_tracker

from seams.guard import Seam

FORK = Seam(
    "Python",
    "multiprocessing's _forkserver and _resource_tracker (_fd, _forkserver_alive_fd, "
    "_forkserver_pid, _stop)",
    "frontdesk/web/forked.py",
)
EXIT = Seam("Python", "atexit._run_exitfuncs", "frontdesk/web/forked.py")


def test_the_fork_server_and_resource_tracker_keep_what_a_desk_and_the_server_use() -> None:
    """A forked desk forgets the descriptors it closed; the web server reads the fork
    server's pid and stops both when it ends."""
    server = FORK.attribute(forkserver, "_forkserver")
    for attribute in ("_forkserver_alive_fd", "_forkserver_pid"):
        if attribute not in vars(server):
            FORK.fail(f"the fork server no longer has {attribute}")
    FORK.parameters(FORK.attribute(forkserver.ForkServer, "_stop"), "self")
    tracker = FORK.attribute(resource_tracker, "_resource_tracker")
    if "_fd" not in vars(tracker):
        FORK.fail("the resource tracker no longer has _fd")
    FORK.parameters(FORK.attribute(resource_tracker.ResourceTracker, "_stop"), "self")


def test_atexit_can_still_run_its_functions_on_demand() -> None:
    """A forked desk runs them itself before `os._exit` (multiprocessing's end of a child)."""
    if not callable(EXIT.attribute(atexit, "_run_exitfuncs")):
        EXIT.fail("it is no longer callable")
