"""Applicants answer grants officers' clarification questions."""
