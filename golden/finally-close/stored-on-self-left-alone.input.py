import httpx


class Gateway:
    def connect(self, base_url):
        client = httpx.Client(base_url=base_url)
        client.get("/health")
        self.client = client

    def reconnect(self, base_url):
        client = httpx.Client(base_url=base_url)
        self._clients[base_url] = client
