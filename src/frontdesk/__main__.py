"""`python -m frontdesk`: the same entry point as the `frontdesk` console script."""

from frontdesk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
