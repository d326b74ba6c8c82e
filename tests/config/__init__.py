"""Tests of profiles, credentials, transport safety, doctor and the audit log."""
