import httpx


class Holder:
    def remember(self):
        with httpx.Client() as client:
            self.last_client = client
            client.get("https://example.org")

    def hand_over(self, worker):
        with httpx.Client() as client:
            worker.run(client)

    def reconfigure(self, token):
        with httpx.Client() as client:
            client.headers["Authorization"] = token
            client.get("https://example.org")

    def close_early(self):
        with httpx.Client() as client:
            client.get("https://example.org")
            client.close()
