"""The process's botocore loader answers what botocore's own loader answers.

It only learns faster whether botocore holds a service's data (from that service's
folder, not by listing every folder): the answers are compared with a stock
``botocore.loaders.Loader`` on the same search path.
"""

from __future__ import annotations

import os

import boto3
import botocore.loaders
import pytest
from botocore.exceptions import UnknownServiceError
from hypothesis import given
from hypothesis import strategies as st

from ecsrole_lib.aws.models import loader

TYPES = ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1", "resources-1")


def _stock() -> botocore.loaders.Loader:
    stock = botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))
    stock.search_paths.append(os.path.join(os.path.dirname(boto3.__file__), "data"))
    return stock


STOCK = _stock()
FOLDERS = sorted({name for path in STOCK.search_paths if os.path.isdir(path)
                  for name in os.listdir(path)})


@pytest.mark.parametrize("type_name", TYPES)
def test_every_folder_is_known_exactly_when_botocore_lists_it(type_name):
    listed = STOCK.list_available_services(type_name)
    offered = loader().list_available_services(type_name)
    assert [name for name in FOLDERS if name in offered] == listed
    assert list(offered) == listed and len(offered) == len(listed)


@given(st.one_of(st.sampled_from(["../iam", "iam/", "IAM", "Iam", ".", "..", "", "iam ",
                                  "/iam", "iam/2010-05-08"]),
                 st.text(alphabet="abcdefghijklmnopqrstuvwxyz-./_", max_size=12)))
def test_a_name_botocore_does_not_list_is_not_known(name):
    for type_name in ("service-2", "waiters-2"):
        assert (name in loader().list_available_services(type_name)) == (
            name in STOCK.list_available_services(type_name))


def test_an_unknown_service_is_refused_with_botocore_s_list():
    with pytest.raises(UnknownServiceError) as raised:
        loader().load_service_model("no-such-service", "service-2")
    assert "iam" in str(raised.value) and "sts" in str(raised.value)


def test_a_model_loaded_through_it_is_botocore_s():
    for service, type_name in (("iam", "service-2"), ("iam", "paginators-1"), ("sts", "service-2")):
        assert loader().load_service_model(service, type_name) == STOCK.load_service_model(
            service, type_name)
