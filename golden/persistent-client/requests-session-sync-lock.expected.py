import requests
import threading


class BillingApi:
    def __init__(self, token):
        self.token = token
        self.base_url = "https://billing.example"
        self._session: requests.Session | None = None
        self._session_lock = threading.Lock()

    def _get_session(self) -> requests.Session:
        # Double-checked: threads that find the client built never take the lock.
        if self._session is None:
            with self._session_lock:
                if self._session is None:
                    self._session = requests.Session()
        return self._session

    def invoice(self, invoice_id):
        for attempt in range(3):
            session = self._get_session()
            response = session.get(
                f"{self.base_url}/invoices/{invoice_id}",
                headers={"Authorization": self.token},
                timeout=5,
            )
            if response.ok:
                return response.json()
        return None

    def close(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        with self._session_lock:
            if self._session is not None:
                self._session.close()
                self._session = None
