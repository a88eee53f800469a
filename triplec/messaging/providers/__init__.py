"""Providers: how a channel's messages reach WhatsApp. One small class each, chosen by `Channel.provider`."""

from .base import ProviderError, SendResult
from .cloudapi import CloudAPIProvider, SimulatorProvider

PROVIDERS = {"cloudapi": CloudAPIProvider, "simulator": SimulatorProvider}

_cache: dict[tuple, CloudAPIProvider] = {}


def provider_for(channel) -> CloudAPIProvider:
    """One provider (with its pooled HTTP connections) per channel configuration and process."""
    key = (
        channel.provider,
        channel.base_url,
        channel.api_version,
        channel.phone_number_id,
        channel.waba_id,
        channel.access_token,
    )
    provider = _cache.get(key)
    if provider is None:
        provider = _cache[key] = PROVIDERS[channel.provider](
            base_url=channel.base_url,
            api_version=channel.api_version,
            phone_number_id=channel.phone_number_id,
            waba_id=channel.waba_id,
            access_token=channel.access_token,
        )
    return provider


__all__ = ["ProviderError", "SendResult", "provider_for", "CloudAPIProvider", "SimulatorProvider"]
