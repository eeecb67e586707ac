pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.smtp",
    "tests.fixtures.dns",
    "tests.fixtures.services",
    "tests.fixtures.tenants",
    "tests.fixtures.people",
]
