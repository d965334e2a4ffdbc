from tests.webhooks.helpers import allow_private  # noqa: F401 - a fixture
