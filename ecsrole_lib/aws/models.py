"""botocore's data (service models, paginators, partitions), read once per process.

Every client the guide makes, and every check of a name against IAM's own
rules, reads botocore's data through one loader (:func:`loader`). It is
botocore's own ``Loader``, but it answers "does botocore have ``iam``'s
``service-2`` data?" by looking in ``iam``'s folder, where botocore lists all
of its 400-odd service folders first, once for each kind of data (the service
model, its endpoint rules, its paginators): about 15 ms each in a fresh process,
paid before a run's first call. What it answers is the same (``tests/test_models.py``).

>>> "iam" in loader().list_available_services("service-2")
True
>>> service_model("iam").operation_model("CreateRole").input_shape.members["RoleName"].metadata["max"]
64
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

import boto3
import botocore.loaders
import botocore.model

__all__ = ["botocore_data", "loader", "service_model", "share_models"]


class _Offered(Sequence):
    """The services botocore holds ``type_name`` data for, as its loader lists them.

    ``name in`` looks in that service's folder alone; the whole list (sorted, as
    botocore gives it) is made only when something reads it as a list.
    """

    def __init__(self, data: _Loader, type_name: str):
        self._data, self._type_name = data, type_name
        self._all: list[str] | None = None

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return any(self._data.file_loader.exists(os.path.join(folder, version, self._type_name))
                   for folder in self._data.folders(name) for version in os.listdir(folder))

    def _listed(self) -> list[str]:
        if self._all is None:
            self._all = botocore.loaders.Loader.list_available_services(self._data, self._type_name)
        return self._all

    def __getitem__(self, index):
        return self._listed()[index]

    def __len__(self) -> int:
        return len(self._listed())

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    def __repr__(self) -> str:
        return repr(self._listed())


class _Loader(botocore.loaders.Loader):
    """botocore's loader; whether it has a service's data, it learns from that service's folder."""

    def list_available_services(self, type_name: str) -> _Offered:
        return _Offered(self, type_name)

    def folders(self, name: str) -> list[str]:
        """The folders named ``name`` on the search path, in its order.

        By the names a folder lists, as botocore's listing finds them: a path
        ("../x") or another case ("IAM", on a file system that ignores case) is
        never one of them.
        """
        return [os.path.join(path, name) for path in self.search_paths
                if os.path.isdir(path) and name in os.listdir(path)
                and os.path.isdir(os.path.join(path, name))]


@functools.cache
def loader() -> botocore.loaders.Loader:
    """One botocore data loader for the process, searching where botocore's own would
    (``AWS_DATA_PATH`` first) and boto3's data folder, as boto3 adds it.

    A loader parses each file once and keeps it; every new session would otherwise
    parse IAM's model (about 30 ms) again.
    """
    extra = os.environ.get("AWS_DATA_PATH")
    paths = ([os.path.expanduser(os.path.expandvars(p)) for p in extra.split(os.pathsep)]
             if extra is not None else [])
    made = _Loader(extra_search_paths=paths)
    made.search_paths.append(os.path.join(os.path.dirname(boto3.__file__), "data"))
    return made


def service_model(service: str) -> botocore.model.ServiceModel:
    """botocore's model of ``service`` (parsed once per process)."""
    # The same arguments as botocore's client factory, so the loader's cache serves both.
    return botocore.model.ServiceModel(
        loader().load_service_model(service, "service-2", api_version=None), service)


def botocore_data(name: str) -> Any:
    """botocore's data file ``name`` (``partitions`` ...), parsed once per process."""
    return loader().load_data(name)


def share_models(session: boto3.Session) -> None:
    """Let ``session``'s clients use the process's loader (models parsed once)."""
    core = getattr(session, "_session", None)  # the botocore session under boto3's
    if core is not None and core.get_config_variable("data_path") == os.environ.get("AWS_DATA_PATH"):
        core.register_component("data_loader", loader())
