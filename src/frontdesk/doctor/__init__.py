"""`frontdesk doctor`'s checks: the installation, the profile, the key, the way to the backend
step by step, the clock and the terminal. `run_doctor` returns a `Report`; `frontdesk.cli`
prints it. Never prints, never imports Textual or rich.
"""
