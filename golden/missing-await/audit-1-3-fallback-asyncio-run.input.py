import asyncio
import logging

logger = logging.getLogger(__name__)


class AIGateway:
    def _start_risk_analysis(self, session_id, input_trace, response_trace):
        async def _async_task():
            await self._analyze_risks_async(session_id, input_trace, response_trace)

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._analyze_risks_async(session_id, input_trace, response_trace)  # Missing await in fallback!
            return

        task = loop.create_task(_async_task(), name=f"risk_analysis_{session_id}")
        logger.info("started %s", task.get_name())

    async def _analyze_risks_async(self, session_id, input_trace, response_trace):
        logger.info("analysing %s", session_id)
