"""What every layer shares and nothing else: domain names, masking, the language, small helpers.

Below all of frontdesk: imports nothing from the other packages (an import-linter contract in
pyproject.toml), and nothing heavy, so any layer can use it at any time.
"""
