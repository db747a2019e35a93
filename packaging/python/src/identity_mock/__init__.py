"""identity-mock for Python: start the bundled contract-testing server for the Letta and orq.ai
Identities APIs, drive its admin API, and (through the pytest plugin this package registers) give
every test a namespace of its own.

    from identity_mock import IdentityMock

    with IdentityMock(empty=True, seed=7) as mock:
        client = Letta(base_url=mock.url)
        ...
        assert mock.requests(method="POST")[0]["status"] == 200
"""

from importlib.metadata import PackageNotFoundError, version

from . import _server
from ._server import AdminError, IdentityMock, IdentityMockError, Namespace, StartupError, find_binary

try:
    __version__ = version("identity-mock")
except PackageNotFoundError:  # imported from a source tree, not installed
    __version__ = "0.0.0"

__all__ = [*_server.__all__, "__version__"]
