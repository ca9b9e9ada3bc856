import requests


class BillingApi:
    def __init__(self, token):
        self.token = token
        self.base_url = "https://billing.example"

    def invoice(self, invoice_id):
        for attempt in range(3):
            with requests.Session() as session:
                response = session.get(
                    f"{self.base_url}/invoices/{invoice_id}",
                    headers={"Authorization": self.token},
                    timeout=5,
                )
                if response.ok:
                    return response.json()
        return None
