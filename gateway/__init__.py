"""Channels: one module per provider family, each implementing gateway.base.Channel.
The shared webhook path (gateway.webhooks) does signatures, dedupe, storage and logging
once for all. Adding a channel: one module and one line in CHANNELS."""
from gateway.aliyun import AliyunChannel
from gateway.base import Channel, InboundEvent
from gateway.tencent import TencentChannel
from gateway.twilio import TwilioChannel
from gateway.wechat import WeChatChannel

CHANNELS: dict[str, Channel] = {
    "twilio": TwilioChannel(),
    "wechat": WeChatChannel(),
    "tencent": TencentChannel(),
    "aliyun": AliyunChannel(),
}

__all__ = ["CHANNELS", "Channel", "InboundEvent"]
