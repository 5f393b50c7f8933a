"""Domain errors that services raise and every door (admin, API, commands) turns into a clear answer."""


class TransitionRefused(Exception):
    """A workflow move that the rules forbid. `code` is stable for tools; the message is for people."""

    def __init__(self, message, *, code="transition_refused"):
        super().__init__(message)
        self.code = code
