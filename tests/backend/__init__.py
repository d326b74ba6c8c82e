"""Contract tests of the local token backend, through the client, embedded and served."""
