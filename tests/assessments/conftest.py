from .test_api import secret_quiz  # noqa: F401 - shared by the API and page leakage tests
