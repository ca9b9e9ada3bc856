from app.monitoring.metrics import emit_stat, metrics_counter


def on_upload(tenant, file_hash, kind, session_id):
    emit_stat("uploads_total", {"kind": kind})
    # the default helpers and labels are replaced by the options: left as it is
    metrics_counter("views_total", {"session_id": session_id, "kind": kind})
