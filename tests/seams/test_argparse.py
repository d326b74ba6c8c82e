"""Guards of argparse's private names that the command line relies on (docs/architecture.md,
"Private seams"). The standard library is not pinned: these fail on a Python that changed
them."""

from __future__ import annotations

import argparse

from seams.guard import Seam

HELP = Seam("Python", "argparse.HelpFormatter._get_help_string", "frontdesk/cli/parsers.py")
GROUPS = Seam(
    "Python", "argparse.ArgumentParser._positionals, _optionals", "frontdesk/cli/parsers.py"
)


def test_the_help_formatter_still_reads_each_help_through_get_help_string() -> None:
    """`Formatter` overrides it to look each help text up in the catalog."""
    method = HELP.attribute(argparse.HelpFormatter, "_get_help_string")
    HELP.parameters(method, "self", "action")
    HELP.calls(argparse.HelpFormatter._expand_help, "self._get_help_string")


def test_a_parser_still_keeps_its_two_default_groups() -> None:
    """`Parser` retitles them with catalog keys (the section names of --help)."""
    parser = argparse.ArgumentParser(add_help=False)
    for name in ("_positionals", "_optionals"):
        group = GROUPS.attribute(parser, name)
        if not isinstance(group, argparse._ArgumentGroup) or group not in parser._action_groups:
            GROUPS.fail(f"{name} is no longer one of the parser's argument groups")
