"""Understanding for the bot: everyday WhatsApp Indonesian and Kupang Malay to one of a fixed set of intents.

Rules over a normalised text, not a learned model: deterministic, explainable (every decision lists the rules that
fired) and fast. Entry point: `classify()`.
"""

from triplec.bot.nlu.classifier import INTENTS, Classification, classify

__all__ = ["INTENTS", "Classification", "classify"]
