"""Where frontdesk keeps its files (platformdirs): config file, key files, data, logs.

`FRONTDESK_CONFIG` names the configuration file; the key files live next to it, in
`keys/`. Data (the local backend's database), logs (the audit file) and the cache (what can be
rebuilt) follow the user's platform directories (on Linux: XDG_DATA_HOME, XDG_STATE_HOME,
XDG_CACHE_HOME).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path, user_log_path

APP_NAME = "frontdesk"
CONFIG_ENV = "FRONTDESK_CONFIG"
CONFIG_FILE_NAME = "config.toml"
AUDIT_FILE_NAME = "audit.jsonl"


def default_config_dir() -> Path:
    """The platform's user configuration directory for frontdesk."""
    return user_config_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    """The configuration file: `FRONTDESK_CONFIG`, else `<user config dir>/config.toml`."""
    override = os.environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser().absolute()
    return default_config_dir() / CONFIG_FILE_NAME


def config_dir() -> Path:
    """The directory holding the configuration file (and `keys/`)."""
    return config_file().parent


def keys_dir() -> Path:
    """Key files of the headless fallback: `<config dir>/keys`, mode 0700."""
    return config_dir() / "keys"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """What can be rebuilt at any time (the exports' schema checks)."""
    return user_cache_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    return user_log_path(APP_NAME, appauthor=False)


def audit_file() -> Path:
    """The audit log: `<user log dir>/audit.jsonl` (rotated to .1 … .5)."""
    return log_dir() / AUDIT_FILE_NAME


def ensure_private_dir(path: Path, *, tighten: bool = True) -> Path:
    """Create `path` (and parents) if needed with mode 0700; `tighten` also narrows an
    existing directory that group or others can enter.

    On Windows modes mean nothing (chmod only sets the read-only flag): the directories
    are under the user's profile (%APPDATA%, %LOCALAPPDATA%), whose inherited ACL already
    lets only the user, SYSTEM and Administrators in; so there is nothing to narrow."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if tighten and sys.platform != "win32":
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            path.chmod(0o700)
    return path
