"""The one error every push driver raises."""


class DeliveryError(Exception):
    """The card could not be reached, did not answer, or refused (NACK).

    ``retryable``: trying again soon may help (busy, timeout, lost connection);
    otherwise only a change of settings or content will (wrong size, too much data).
    """

    def __init__(self, message: str, *, retryable: bool = True, error: int | None = None):
        super().__init__(message)
        self.retryable, self.error = retryable, error
