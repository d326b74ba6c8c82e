"""Profiles (read, edited), credentials, the connection to use and its transport safety.

Headless: nothing here imports Textual or rich, and submodules are imported on demand. What
local mode composes lives in `frontdesk.local`; the audit log in `frontdesk.audit_log`.
"""
