"""The error of a file that cannot be imported at all (reading.py and xlsxguard.py raise it)."""


class FileProblem(Exception):
    """The file as a whole cannot be imported; nothing is written. The message (`args[0]`) is a Phrase."""
