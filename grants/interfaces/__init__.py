"""Queries and writes, one package per area (named as the blueprints are). Views call these and
commit once.

Each area's modules are listed in its package's docstring. ``paging`` (pagination and text search)
is shared by every area's list pages, ``writes`` (a guarded UPDATE or DELETE's row count) by every
area that changes a row only while it is still in the state the user saw.
"""
