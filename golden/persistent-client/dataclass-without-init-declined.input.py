from dataclasses import dataclass

import httpx


@dataclass
class Endpoint:
    url: str

    def fetch(self) -> bytes:
        with httpx.Client() as client:
            return client.get(self.url).content
