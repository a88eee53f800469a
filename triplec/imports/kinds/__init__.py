"""The importable kinds of file, by the name used on the command line and in the console."""

from .base import Kind
from .debts import DebtsKind
from .letters import LettersKind
from .payments import PaymentsKind
from .taxpayers import TaxpayersKind

KINDS: dict[str, type[Kind]] = {k.name: k for k in (TaxpayersKind, DebtsKind, LettersKind, PaymentsKind)}
