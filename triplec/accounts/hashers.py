"""A password hasher for the test run only."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The standard PBKDF2-SHA256 format with 1,000 iterations instead of Django's 1,000,000: each test user
    otherwise costs ~0.3 s of CPU. Same algorithm name and format, so servers the tests start in subprocesses
    (with the standard hasher) verify these hashes too: PBKDF2 reads the iteration count from the hash."""

    iterations = 1000
