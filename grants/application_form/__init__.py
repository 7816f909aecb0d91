"""The application form: its sections, their questions and rules, and how answers are shown."""
