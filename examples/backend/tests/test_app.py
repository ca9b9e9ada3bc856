"""What the app does, leak or no leak: these pass on the original code and on every fix."""

from app.database.models import ExerciseAttemptDB, ExerciseDB, SessionDB, UserDB
from app.database.repositories import SessionRepository, UserRepository
from scripts.clean_and_reset_db import clean_database


def test_health(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_redis_health(client):
    assert client.get("/health/redis").json() == {"redis": "ok"}


def test_detailed_health_reports_the_failed_check(client):
    body = client.get("/health/detailed").json()
    # CONFIG is disabled on the test server, as on managed Redis.
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "down"
    assert "CONFIG" in body["recent_failures"][-1]["error"]


def test_interaction_answers_and_counts(client, db, llm_server):
    db.add(UserDB(id="u1", email="u1@example.edu"))
    db.add(SessionDB(id="s1", student_id="u1"))
    db.commit()
    for i in range(3):
        response = client.post("/interactions", json={"session_id": "s1", "prompt": f"hi {i}"})
        assert response.status_code == 200
        assert response.json()["answer"] == f"echo: hi {i}"
    db.expire_all()
    assert db.get(SessionDB, "s1").interaction_count == 3


def test_verify_deactivate_reactivate(client, db):
    UserRepository(db).create("u1", "u1@example.edu")
    assert client.post("/users/u1/verify").json()["is_verified"] is True
    assert client.post("/users/u1/deactivate").json()["is_active"] is False
    assert client.post("/users/u1/reactivate").json()["is_active"] is True
    assert client.post("/users/nobody/verify").status_code == 404
    db.expire_all()
    user = db.get(UserDB, "u1")
    assert user.is_verified and user.is_active


def test_repository_returns_none_for_unknown_rows(client, db):
    assert UserRepository(db).verify_user("nobody") is None
    assert SessionRepository(db).update_status("nobody", "closed") is None
    assert SessionRepository(db).increment_interaction_count("nobody") is None


def test_update_status(client, db):
    UserRepository(db).create("u1", "u1@example.edu")
    SessionRepository(db).create("s1", "u1")
    assert SessionRepository(db).update_status("s1", "closed").status == "closed"


def test_run_exercise(client):
    response = client.post("/exercises/e1/run", json={"code": "print(6 * 7)"})
    assert response.status_code == 200
    assert response.json() == {"stdout": "42\n", "stderr": "", "exit_code": 0}


def test_run_exercise_timeout(client):
    response = client.post("/exercises/e1/run", json={"code": "while True:\n    pass\n"})
    assert response.status_code == 408


def test_clean_database_keeps_security_attempts(client, db):
    db.add(UserDB(id="u1", email="u1@example.edu"))
    db.add(ExerciseDB(id="gen", title="Loops", category="general"))
    db.add(ExerciseDB(id="sec", title="XSS", category="security"))
    db.add(SessionDB(id="s-open", student_id="u1", status="active"))
    db.add(SessionDB(id="s-gone", student_id="u1", status="abandoned"))
    db.add_all(ExerciseAttemptDB(exercise_id="gen", student_id="u1") for _ in range(3))
    db.add(ExerciseAttemptDB(exercise_id="sec", student_id="u1"))
    db.commit()
    clean_database(db)
    assert [a.exercise_id for a in db.query(ExerciseAttemptDB).all()] == ["sec"]
    assert [s.id for s in db.query(SessionDB).all()] == ["s-open"]
