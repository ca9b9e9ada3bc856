"""AI gateway (audit 1.1)."""

import asyncio
import logging

logger = logging.getLogger(__name__)


def _task_done_callback(task: asyncio.Task[None]) -> None:
    if task.exception() is not None:
        logger.error("risk analysis failed", exc_info=task.exception())


class AIGateway:
    """Routes prompts to providers."""

    def __init__(self, provider: str) -> None:
        """Keep the provider name."""
        self.provider = provider

    def schedule_risk_analysis(self, session_id: str) -> None:
        async def _async_task() -> None:
            await asyncio.sleep(0)

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(_async_task(), name=f"risk_analysis_{session_id}")
        task.add_done_callback(_task_done_callback)
        # Task is NOT stored in a registry - can be GC'd while pending
