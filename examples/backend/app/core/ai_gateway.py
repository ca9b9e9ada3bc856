"""The AI gateway: answers a student's interaction, then analyses it for risks in the background."""

import asyncio
import logging

logger = logging.getLogger(__name__)

RISK_PROMPT = (
    "You review tutoring conversations. List the academic-integrity risks in this exchange, "
    "one per line, or answer NONE.\n\nStudent: {input}\n\nTutor: {response}"
)


class AIGateway:
    """Stateless: everything a request needs is passed in or created per call."""

    def __init__(self, provider, risk_provider=None, session_repo_factory=None):
        self.provider = provider
        self.risk_provider = risk_provider or provider
        self.session_repo_factory = session_repo_factory

    async def process_interaction(self, session_id, prompt):
        answer = await self.provider.generate(prompt)
        if self.session_repo_factory is not None:
            with self.session_repo_factory() as repo:
                repo.increment_interaction_count(session_id)
        self._start_risk_analysis(session_id, prompt, answer)
        return {"session_id": session_id, "answer": answer}

    def _start_risk_analysis(self, session_id, input_trace, response_trace):
        async def _async_task():
            await self._analyze_risks_async(session_id, input_trace, response_trace)

        def _task_done_callback(t):
            if t.cancelled():
                logger.warning(f"Risk analysis for session {session_id} was cancelled")
            elif t.exception() is not None:
                logger.error(f"Risk analysis for session {session_id} failed: {t.exception()}")

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self._analyze_risks_async(session_id, input_trace, response_trace))
            return

        task = loop.create_task(_async_task(), name=f"risk_analysis_{session_id}")
        task.add_done_callback(_task_done_callback)

    async def _analyze_risks_async(self, session_id, input_trace, response_trace):
        prompt = RISK_PROMPT.format(input=input_trace, response=response_trace)
        report = await self.risk_provider.generate(prompt, temperature=0.0)
        risks = [line.strip() for line in report.splitlines() if line.strip() and line.strip() != "NONE"]
        if risks:
            logger.info(f"Session {session_id}: {len(risks)} risk(s) flagged")
        return risks
