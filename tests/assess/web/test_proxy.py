import pytest
from flask import request


@pytest.mark.parametrize("count, expected", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_client_address_honours_trusted_proxies_only(tmp_path, count, expected):
    from assess import create_app
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path, PROXY_COUNT=count))

    @app.get("/_test/addr")
    def addr():
        return request.remote_addr

    response = app.test_client().get("/_test/addr", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.get_data(as_text=True) == expected
