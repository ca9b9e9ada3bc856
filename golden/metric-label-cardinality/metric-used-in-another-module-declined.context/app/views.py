from metric_used_in_another_module_declined import REQUESTS


def view(request):
    REQUESTS.labels(method=request.method, user_id=request.user.id).inc()
