"""The pytest plugin, used the way a user's test suite uses it: through ``pytester``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import pytest

MODEL = "flux1-schnell-fp8"


def test_renders_with_the_sync_client(sogni_client, sogni_supernet):
    project = sogni_client.projects.create(model_id=MODEL, positive_prompt="plugin")
    assert len(project.wait_for_completion(30)) == 1
    assert len(sogni_supernet.received("jobRequest")) == 1


def test_records_start_empty_for_each_test(sogni_supernet):
    assert sogni_supernet.received("jobRequest") == []


@pytest.mark.anyio
async def test_renders_with_the_async_client(async_sogni_client):
    project = await async_sogni_client.projects.create(model_id=MODEL, positive_prompt="a")
    assert len(await project.wait_for_completion(30)) == 1


@pytest.mark.sogni_fail_requests("/api/v1/models/list", 503, times=None)
def test_a_marker_injects_failures(sogni_client):
    from sogni import SogniError

    with pytest.raises(SogniError):
        sogni_client.projects.get_supported_models(force_refresh=True)


@pytest.mark.sogni_supernet(api_key="own-key")
def test_a_marker_gives_a_server_of_its_own(sogni_supernet, sogni_client):
    assert sogni_supernet.api_key == "own-key"
    assert sogni_client.projects.wait_for_models(timeout=10)
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize("scope", ["session", "function"])
def test_a_user_suite_passes_with_only_the_plugin_fixtures(
    pytester: pytest.Pytester, scope: str
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n"
    )
    result = pytester.runpytest_subprocess(f"--sogni-scope={scope}", "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_a_bad_scope_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_one(sogni_supernet):\n    pass\n")
    pytester.makeini("[pytest]\nsogni_scope = forever\n")
    result = pytester.runpytest_subprocess("-q")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*sogni_scope must be one of session, module, function*"])
