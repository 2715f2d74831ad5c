"""Accounts as the admins manage them: correct a person's name and profile, deactivate an
account (it cannot sign in any more, its history stays) and reactivate it."""
