"""Signing in: accounts, server-side sessions and second factors (the auth pages).

- ``accounts``: creating users, signing in, passwords and roles.
- ``sessions``: signed-in sessions kept on the server.
- ``second_factor``: passkeys, authenticator-app codes and recovery codes.
"""
