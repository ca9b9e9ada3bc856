"""What every LLM provider offers the gateway."""


class LLMError(Exception):
    """The provider could not produce an answer."""


RETRYABLE_STATUS = {429, 500, 502, 503, 504}
