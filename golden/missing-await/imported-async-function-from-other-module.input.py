from app.services import refresh_cache
from app.services.refresh import refresh_sync, warm as warm_up


async def on_update(key):
    refresh_cache(key)
    refresh_sync(key)
    warm_up()
