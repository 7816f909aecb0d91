"""Spreadsheets that staff download. Cells holding user text go through grants.spreadsheets."""
