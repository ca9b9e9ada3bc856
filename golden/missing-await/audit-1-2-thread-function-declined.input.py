import threading

from app.database import get_db_session


class AIGateway:
    def _start_risk_analysis(self, session_id, input_trace, response_trace):
        def _analyze_with_fresh_db_session() -> None:
            """Run risk analysis using a brand-new DB session"""
            with get_db_session() as db_session:
                self._analyze_risks_async(  # ← Missing await!
                    session_id, input_trace, response_trace, db_session
                )

        threading.Thread(target=_analyze_with_fresh_db_session, daemon=True).start()

    async def _analyze_risks_async(self, session_id, input_trace, response_trace, db):
        db.add(session_id)
