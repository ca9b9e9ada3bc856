import httpx
import threading


class Crlf:
    url = "https://example.org"

    def __init__(self) -> None:
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()

    def _get_client(self) -> httpx.Client:
        # Double-checked: threads that find the client built never take the lock.
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = httpx.Client(timeout=2)
        return self._client

    def get(self):
        client = self._get_client()
        return client.get(self.url).text

    def close(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None
