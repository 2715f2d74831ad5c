def test_app_builds_and_health_answers(client):
    response = client.get("/healthz")
    assert response.get_json() == {"db": "ok", "broker": "ok"}
