"""Where uploaded files live: a small interface, a local-disk implementation, and the
factory that picks one from ``STORAGE_URL``. Keys are content-addressed (``ab/cd/<sha256>``)
and never built from user input."""

from .base import EmptyFile, Storage, StorageConfigError, StoredBlob, TooLarge
from .factory import get_storage
from .local import LocalStorage

__all__ = ["EmptyFile", "LocalStorage", "Storage", "StorageConfigError", "StoredBlob",
           "TooLarge", "get_storage"]
