"""The fork server's last import: everything imported so far moves to the garbage
collector's permanent generation, so a desk's collections never write to (and so never copy)
the pages of the objects it shares with the fork server."""

from __future__ import annotations

import gc

gc.collect()
gc.freeze()
