"""Grants officers screen submitted applications."""
