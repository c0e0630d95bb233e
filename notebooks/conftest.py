"""nbval runs each notebook here in a fresh kernel; make that kernel start on its own sandbox.

The test suite's moto server exports ``ECSROLE_SANDBOX_ENDPOINT`` (and some tests
``AWS_ENDPOINT_URL``) for the whole pytest process. A kernel started with them
would join that server and see what the tests left there, so its outputs
would not match the committed ones. They are removed while nbval starts a
kernel, and put back after.
"""

import os

import pytest

_ISOLATE = ("ECSROLE_SANDBOX_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    saved = {name: os.environ.pop(name) for name in _ISOLATE if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)
