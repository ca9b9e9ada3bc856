import httpx


class WeatherClient:
    """Called from a thread pool."""

    base_url = "https://api.weather.example"

    def forecast(self, city: str) -> dict:
        with httpx.Client(base_url=self.base_url, timeout=10.0) as client:
            response = client.get("/forecast", params={"city": city})
            response.raise_for_status()
            return response.json()
