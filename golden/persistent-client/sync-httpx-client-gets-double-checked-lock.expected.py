import httpx
import threading


class WeatherClient:
    """Called from a thread pool."""

    base_url = "https://api.weather.example"

    def __init__(self) -> None:
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()

    def _get_client(self) -> httpx.Client:
        # Double-checked: threads that find the client built never take the lock.
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = httpx.Client(base_url=self.base_url, timeout=10.0)
        return self._client

    def forecast(self, city: str) -> dict:
        client = self._get_client()
        response = client.get("/forecast", params={"city": city})
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None
