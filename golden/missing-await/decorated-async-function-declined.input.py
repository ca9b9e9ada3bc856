import functools


def retry(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


@retry
async def fetch(url):
    print(url)


class Client:
    @functools.lru_cache
    async def token(self):
        return "t"

    async def call(self, url):
        fetch(url)
        self.token()
