import pytest

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.smtp",
    "tests.fixtures.dns",
    "tests.fixtures.services",
    "tests.fixtures.faults",
    "tests.fixtures.tenants",
    "tests.fixtures.people",
    "tests.fixtures.push",
    "tests.fixtures.stripe_stub",
]


@pytest.fixture
def app_config(app_config, tmp_path):  # type: ignore[no-untyped-def]
    """Uploads go to the test's own folder, never to the checkout's instance folder."""
    return {**app_config, "UPLOAD_FOLDER": str(tmp_path / "uploads")}
