"""One measurement per remediation, asserting the FIXED behaviour.

On the original code each of these fails (the leak is there); on the branch
``fixkit/<id>`` the test named after ``<id>`` passes. The figures come from leakcheck.py.
"""

import pytest

import leakcheck


def _measure(codemod_id, **kwargs):
    try:
        return leakcheck.MEASURES[codemod_id](**kwargs)
    except leakcheck.Unavailable as exc:
        pytest.skip(f"{codemod_id}: {exc}")


def test_finally_close():
    figures = _measure("finally-close", checks=20)
    assert figures["failed_checks"] == 20, "the checks must take the exception path"
    assert figures["leaked_connections"] == 0, figures


def test_task_registry():
    figures = _measure("task-registry", interactions=20)
    assert figures["spawned"] == 20
    assert figures["collected_while_pending"] == 0, figures
    assert figures["still_referenced"] == 20, figures


def test_persistent_client():
    figures = _measure("persistent-client", requests=10, retries=3)
    assert figures["gemini_attempts"] == 30, "every request must be retried twice"
    assert figures["mistral_attempts"] == 10
    assert figures["gemini_connections"] == 1, figures
    assert figures["mistral_connections"] == 1, figures


def test_atomic_update():
    figures = _measure("atomic-update", threads=4, increments=50)
    assert figures["errors"] == 0, figures
    assert figures["lost_updates"] == 0, figures
    assert figures["final"] == 200


def test_bulk_delete():
    figures = _measure("bulk-delete", rows=50, kept=5)
    assert figures["rows_deleted"] == 50
    assert figures["delete_statements"] == 1, figures


def test_temp_file_logging():
    figures = _measure("temp-file-logging", timeout=1.0)
    assert figures["removal_failures"] == 2
    assert figures["failures_logged"] == 2, figures
    assert figures["result_returned"], "the run's result must not be lost to the cleanup"
    assert figures["exception_after_timeout"] == "TimeoutExpired", figures


def test_lifespan_close():
    figures = _measure("lifespan-close")
    assert figures["descriptors_while_running"] >= 1, "the startup must open the database"
    assert figures["pooled_connections_after_shutdown"] == 0, figures
    assert figures["descriptors_after_shutdown"] == 0, figures
