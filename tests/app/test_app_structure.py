"""The App is one class that owns its parts: finding where an action lives never means
walking a chain of base classes (issue 19)."""

from __future__ import annotations

from frontdesk.app.app import FrontdeskApp


def test_the_app_has_no_frontdesk_base_class() -> None:
    ours = [c for c in FrontdeskApp.__mro__ if c.__module__.startswith("frontdesk")]
    assert ours == [FrontdeskApp], f"frontdesk classes in FrontdeskApp's MRO: {ours}"
