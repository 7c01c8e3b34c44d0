"""The monitor's error types. Views raise them; ErrorMiddleware answers 400/404."""


class BadRequest(ValueError):
    """Malformed input. The message names the parameter and what it accepts."""


class NotFound(LookupError):
    """The object asked for does not exist."""
