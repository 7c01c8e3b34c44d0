"""The monitor's error types. Views raise them; ErrorMiddleware answers 400/404/500."""


class BadRequest(ValueError):
    """Malformed input. The message names the parameter and what it accepts."""


class NotFound(LookupError):
    """The object asked for does not exist."""


class Misconfigured(RuntimeError):
    """The deployment points the monitor at a database that lacks what a page reads.
    Permanent until the configuration changes: a 500 naming the table and setting."""
