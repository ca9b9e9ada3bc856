class AIGateway:
    def __init__(self, provider):
        self.provider = provider
