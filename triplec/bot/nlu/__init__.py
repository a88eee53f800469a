"""Understanding for the bot: everyday WhatsApp Indonesian and Kupang Malay to one of a fixed set of intents.

Weighted rules over a normalised text (explainable: every decision lists the rules that fired) combined with a
linear n-gram model trained on the labelled files (it generalises to phrasings the rules were not written for).
Entry point: `classify()`.
"""

from triplec.bot.nlu.classifier import Classification, classify
from triplec.bot.nlu.intents import INTENTS

__all__ = ["INTENTS", "Classification", "classify"]
