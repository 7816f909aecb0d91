"""Pure calculations (no Flask, no database): apportioning money to the penny, schedules and
financial years, and later the social-return and co-commissioning models."""
