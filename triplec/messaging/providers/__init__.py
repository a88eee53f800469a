"""Providers: how a channel's messages reach WhatsApp. One small class each, chosen by `Channel.provider`."""

from .base import ProviderError, SendResult
from .cloudapi import CloudAPIProvider, SimulatorProvider

PROVIDERS = {"cloudapi": CloudAPIProvider, "simulator": SimulatorProvider}

# The channel's fields a provider is built from; the cache key too, so a changed field gets a new provider.
CONFIG_FIELDS = ("base_url", "api_version", "phone_number_id", "waba_id", "access_token")

_cache: dict[tuple, CloudAPIProvider] = {}


def provider_for(channel) -> CloudAPIProvider:
    """One provider (with its pooled HTTP connections) per channel configuration and process."""
    config = {name: getattr(channel, name) for name in CONFIG_FIELDS}
    key = (channel.provider, *config.values())
    provider = _cache.get(key)
    if provider is None:
        provider = _cache[key] = PROVIDERS[channel.provider](**config)
    return provider


__all__ = ["ProviderError", "SendResult", "provider_for", "CloudAPIProvider", "SimulatorProvider"]
