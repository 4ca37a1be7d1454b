"""The marriage service fixture (see marriage_support)."""
from tests.marriage.integration.marriage_support import marriage  # noqa: F401 - a pytest fixture
