class BaseLLMProvider:
    def __init__(self) -> None:
        self.calls = 0
