"""frontdesk: release health-plan guides with a one-time token at the clinic's front desk."""

__version__ = "0.1.0"
