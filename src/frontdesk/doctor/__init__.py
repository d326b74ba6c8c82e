"""`frontdesk doctor`'s checks: the installation, the profile, the key, the way to the backend
step by step, the clock and the terminal. Never prints, never imports Textual or rich.

`report` (a `Check` per line, the `Report` rendered to text or JSON), the checks by kind
(`setup_checks`, `network_checks`, `backend_checks`, `terminal_checks`), and `run`
(`run_doctor`, every check in order); `frontdesk.cli.doctor` prints the report.
"""
