"""The gRPC side: one long-lived channel per backend service, generic callables per method, health."""

from __future__ import annotations

import json

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.routes import Route

MAX_MESSAGE_BYTES = 64 << 20
CHANNEL_OPTIONS = [
    # Come back quickly after a backend restart instead of the default 20 s back-off ceiling.
    ("grpc.initial_reconnect_backoff_ms", 250),
    ("grpc.min_reconnect_backoff_ms", 250),
    ("grpc.max_reconnect_backoff_ms", 2000),
    # Spread calls over every address the name resolves to (headless Kubernetes services).
    ("grpc.service_config", json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
]


class BackendNotConfigured(LookupError):
    pass


class Backends:
    """Channels are opened on first use (inside the running loop) and kept for the process."""

    def __init__(self, addresses: dict[str, str]) -> None:
        self.addresses = dict(addresses)
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._unary: dict[str, grpc.aio.UnaryUnaryMultiCallable] = {}
        self._streams: dict[str, grpc.aio.StreamUnaryMultiCallable] = {}

    def channel(self, key: str) -> grpc.aio.Channel:
        channel = self._channels.get(key)
        if channel is None:
            address = self.addresses.get(key)
            if not address:
                raise BackendNotConfigured(key)
            channel = self._channels[key] = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
        return channel

    def unary(self, route: Route) -> grpc.aio.UnaryUnaryMultiCallable:
        call = self._unary.get(route.full_method)
        if call is None:
            call = self._unary[route.full_method] = self.channel(route.service.key).unary_unary(
                route.full_method,
                request_serializer=route.request_class.SerializeToString,
                response_deserializer=route.response_class.FromString,
            )
        return call

    def client_stream(self, route: Route) -> grpc.aio.StreamUnaryMultiCallable:
        call = self._streams.get(route.full_method)
        if call is None:
            call = self._streams[route.full_method] = self.channel(route.service.key).stream_unary(
                route.full_method,
                request_serializer=route.request_class.SerializeToString,
                response_deserializer=route.response_class.FromString,
            )
        return call

    async def serving(self, key: str, timeout_s: float = 1.0) -> bool:
        """The backend's standard health service answers SERVING."""
        try:
            reply = await health_pb2_grpc.HealthStub(self.channel(key)).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=timeout_s
            )
        except (grpc.aio.AioRpcError, BackendNotConfigured):
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING

    async def close(self) -> None:
        channels, self._channels = list(self._channels.values()), {}
        self._unary.clear()
        self._streams.clear()
        for channel in channels:
            await channel.close(grace=1.0)
