"""`GET /healthz` on any host: JSON naming the state of the database and Redis."""

from __future__ import annotations


def test_healthz_answers_on_any_host(client_for, tenant, make_tenant):
    make_tenant(slug="gone", status="suspended")
    client = client_for("acme.foyer.example")
    for host in ("acme.foyer.example", "foyer.example", "unknown.example", "gone.foyer.example"):
        response = client.get("/healthz", environ_overrides={"HTTP_HOST": host})
        assert response.status_code == 200, host
        expected = {"status": "ok", "database": "ok", "redis": "not configured"}
        assert response.get_json() == expected, host
    for garbage in ("", "a b", "<script>"):
        response = client.get("/healthz", environ_overrides={"HTTP_HOST": garbage})
        assert response.status_code == 200, repr(garbage)


def test_healthz_reports_redis_when_configured(redis_app):
    response = redis_app.test_client(host="foyer.example").get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_down(make_app):
    response = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "down"}


def test_healthz_is_503_when_the_database_is_unreachable(make_app):
    unreachable = make_app(DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/x")
    response = unreachable.test_client(host="acme.foyer.example").get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "degraded",
        "database": "down",
        "redis": "not configured",
    }
