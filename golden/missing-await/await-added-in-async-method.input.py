class AIGateway:
    def __init__(self, provider):
        self.provider = provider

    async def process_interaction(self, session_id, prompt):
        answer = await self.provider.generate(prompt)
        self._analyze_risks_async(session_id, prompt, answer)
        self._record(session_id)
        return answer

    async def _analyze_risks_async(self, session_id, input_trace, response_trace):
        await self.provider.generate(input_trace)

    def _record(self, session_id):
        print(session_id)

    @classmethod
    async def warm_up(cls):
        cls._load_prompts()

    @staticmethod
    async def _load_prompts():
        return ["risk"]
