"""The one exception of the development stack."""


class SetupError(Exception):
    """Something the user has to do (install, start, configure); the message says exactly what."""
