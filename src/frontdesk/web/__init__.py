"""The desk in a browser (`frontdesk web`): sign-in, sessions and one app process per session.

A layer beside the app: it imports core and config (paths, the audit log), runs the app as a
subprocess through textual-serve's protocol, and never imports Textual or Rich itself. Only the
command line (`frontdesk.cli.web`) imports it. See docs/architecture.md and docs/setup.md.
"""
