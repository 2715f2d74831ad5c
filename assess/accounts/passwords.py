"""Password hashing with argon2id."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()

# Reserved for demo accounts: refused for any real account.
DEMO_PASSWORD = "demo"
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _throwaway_hash() -> str:
    return hash_password("not-the-password-of-anyone")


def waste_time(password: str) -> None:
    """Verify against a throwaway hash, so that an unknown e-mail answers as slowly as a known one."""
    verify_password(_throwaway_hash(), password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why ``password`` may not be chosen for a real account, or None if it may."""
    if password.strip().lower() == DEMO_PASSWORD:
        return _("Ce mot de passe est réservé aux comptes de démonstration : choisissez-en un autre.")
    if email and password.strip().lower() == email.strip().lower():
        return _("Le mot de passe ne doit pas être votre adresse e-mail : choisissez-en un autre.")
    if len(password) < MIN_LENGTH:
        return _("Choisissez un mot de passe d'au moins %(n)d caractères.", n=MIN_LENGTH)
    return None
