"""Parsers for what a release holds: pure functions over bytes or a `read(offset, length)` callable.

They know nothing of inventories, so a remote source can feed them bytes from HTTP range requests.
Weight parsers never load, unpickle or import what they read, read only bounded prefixes, and raise
`MalformedHeaderError` (a ValueError, in `errors`) on bad input.
"""
