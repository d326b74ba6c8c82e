"""Profiles, credentials, transport safety, the audit log and `frontdesk doctor`'s pieces.

Headless: nothing here imports Textual or rich, and submodules are imported on demand.
"""
