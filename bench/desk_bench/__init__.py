"""The desk's terminal benchmark, split by what it measures; `bench/app.py` runs it."""
