from tests.themes.conftest import signed_in_client  # noqa: F401
