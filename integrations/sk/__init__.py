"""SK ID Solutions' signing services: Smart-ID (RP API v3) and Mobile-ID (MID REST API).

The clients speak the public HTTP contracts (SK-EID/smart-id-documentation,
SK-EID/MID) with httpx; :mod:`integrations.sk.simulator` answers the same contracts on
loopback for development and tests. Every failure escapes as :class:`SkError` whose ``code``
is one of the API's user-error codes.
"""
