"""Settings, read from the environment once at import time."""

import os


class Settings:
    def __init__(self):
        self.redis_url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
        self.database_url = os.environ.get("DATABASE_URL", "sqlite:///./backend.db")
        self.llm_base_url = os.environ.get("LLM_BASE_URL", "http://127.0.0.1:8089")
        self.llm_api_key = os.environ.get("LLM_API_KEY", "dev-key")
        self.llm_timeout = float(os.environ.get("LLM_TIMEOUT", "30"))
        self.llm_max_retries = int(os.environ.get("LLM_MAX_RETRIES", "3"))
        self.sandbox_timeout = float(os.environ.get("SANDBOX_TIMEOUT", "5"))


settings = Settings()
