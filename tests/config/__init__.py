"""Tests of profiles, credentials, the connection to use and transport safety."""
