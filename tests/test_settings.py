"""Database URLs of every supported form become Django settings; nonsense fails loudly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pandamon.conf import env_bool, env_int
from pandamon.dburl import database_from_url


def test_sqlite_url_and_file_test_database():
    config = database_from_url("sqlite:////tmp/x/panda.sqlite3", test_name="test_panda_a")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/x/panda.sqlite3"
    assert config["TEST"]["NAME"] == "/tmp/test_panda_a.sqlite3"


@pytest.mark.parametrize("scheme", ["mysql", "mariadb"])
def test_mysql_and_mariadb_urls(scheme):
    config = database_from_url(f"{scheme}://reader:s3cret@db.example.org:3307/PandaDB", test_name="test_panda")
    assert config["ENGINE"] == "django.db.backends.mysql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "reader", "s3cret", "db.example.org", 3307, "PandaDB")
    assert config["OPTIONS"]["charset"] == "utf8mb4"
    assert config["TEST"]["NAME"] == "test_panda"


def test_postgresql_url():
    config = database_from_url("postgresql://doma@pg:5432/panda", test_name="t")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "panda"


def test_oracle_url_names_the_service():
    config = database_from_url("oracle://atlas_reader:pw@adcr-s.cern.ch:10121/adcr.cern.ch", test_name="t")
    assert config["ENGINE"] == "django.db.backends.oracle"
    assert (config["HOST"], str(config["PORT"]), config["NAME"]) == ("adcr-s.cern.ch", "10121", "adcr.cern.ch")


def test_unknown_scheme_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="unsupported database URL scheme 'mssql'"):
        database_from_url("mssql://x@y/z", test_name="t")


def test_typed_environment_helpers(monkeypatch):
    monkeypatch.setenv("PANDAMON_X", "12")
    assert env_int("PANDAMON_X", 3) == 12
    monkeypatch.setenv("PANDAMON_X", "twelve")
    with pytest.raises(ImproperlyConfigured, match="PANDAMON_X must be an integer"):
        env_int("PANDAMON_X", 3)
    monkeypatch.setenv("PANDAMON_B", "maybe")
    with pytest.raises(ImproperlyConfigured, match="boolean"):
        env_bool("PANDAMON_B", False)
