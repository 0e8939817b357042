"""Configuration: defaults in code, then ``ARCHIVE_*`` environment variables, then overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Config:
    """Everything the archive needs to know about where it lives and what it talks to."""

    root: Path
    database_url: str = ""
    # A read replica for pages and search (``ARCHIVE_READ_DATABASE_URL``); builds, imports and
    # migrations always write to ``database_url``, the primary. Empty: read the primary too.
    read_database_url: str = ""
    search_backend: str = "whoosh"
    # Where the site is published (``https://archive.example.org``): absolute URLs start here.
    base_url: str = ""
    # Host names the web app answers to (a leading dot takes subdomains); empty: any host.
    trusted_hosts: tuple[str, ...] = ()

    @property
    def documents_dir(self) -> Path:
        return self.root / "documents"

    @property
    def instance_dir(self) -> Path:
        return self.root / "instance"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def organisations_file(self) -> Path:
        return self.documents_dir / "organisations.yaml"

    @property
    def lock_file(self) -> Path:
        return self.instance_dir / "build.lock"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


def load_config(root: str | Path | None = None, **overrides) -> Config:
    """Build the configuration for an archive root, honouring ``ARCHIVE_*`` variables."""
    root_path = Path(root or os.environ.get("ARCHIVE_ROOT") or Path.cwd()).resolve()
    database_url = overrides.pop("database_url", "") or os.environ.get("ARCHIVE_DATABASE_URL", "")
    if not database_url:
        database_url = f"sqlite:///{root_path / 'instance' / 'archive.sqlite3'}"
    backend = overrides.pop("search_backend", "") or os.environ.get("ARCHIVE_SEARCH_BACKEND", "")
    if not backend:
        backend = "postgres" if database_url.startswith("postgresql") else "whoosh"
    read_url = overrides.pop("read_database_url", None)
    if read_url is None:
        read_url = os.environ.get("ARCHIVE_READ_DATABASE_URL", "").strip()
    config = Config(
        root=root_path,
        database_url=database_url,
        read_database_url=read_url,
        search_backend=backend,
        base_url=os.environ.get("ARCHIVE_BASE_URL", "").strip(),
        trusted_hosts=_names(os.environ.get("ARCHIVE_TRUSTED_HOSTS", "")),
    )
    return replace(config, **overrides) if overrides else config


def _names(listed: str) -> tuple[str, ...]:
    """A comma-separated list, without spaces or empty items."""
    return tuple(name.strip() for name in listed.split(",") if name.strip())
