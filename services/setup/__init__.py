"""The one-shot setup step compose runs before the services: broker topology, broker accounts, indexes.

With it, every long-running service gets by with the least it needs: no configure permission on the
broker, and a read-only database user for the query service.
"""
