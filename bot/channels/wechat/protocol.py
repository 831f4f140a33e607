"""WeChat's server protocol: signatures, safe-mode encryption and the XML of messages and replies.

Signatures are SHA-1 over the sorted (token, timestamp, nonce[, Encrypt]) as WeChat documents
them, compared in constant time. Safe mode (AES-256-CBC with the EncodingAESKey, PKCS#7 to 32
bytes, the app id appended) and message parsing are wechatpy's. Every failure is a
``ProtocolError`` with a short reason for the log, never the request's content or our secrets.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from bot.channels.wechat.config import WeChatConfig


class ProtocolError(Exception):
    """The request is not one WeChat's servers would send; ``reason`` is safe to log."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Envelope:
    """The signed query parameters of a request from WeChat."""

    signature: str
    timestamp: str
    nonce: str
    msg_signature: str | None = None  # safe mode: the signature over the Encrypt field
    encrypted: bool = False


def signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def verify(config: WeChatConfig, envelope: Envelope) -> None:
    """Raise ``ProtocolError(403)`` unless the URL signature is the one WeChat makes with our token."""
    expected = signature(config.token, envelope.timestamp, envelope.nonce)
    if not hmac.compare_digest(envelope.signature.encode(), expected.encode()):
        raise ProtocolError("wrong signature", 403)


def _cdata_safe(text: str) -> str:
    """Text that cannot close wechatpy's CDATA section early (``]]>`` is split across two)."""
    return text.replace("]]>", "]]]]><![CDATA[>")


class Codec:
    """Reads a member's message and writes our reply, in plaintext or safe mode."""

    def __init__(self, config: WeChatConfig) -> None:
        self.config = config
        self._crypto = WeChatCrypto(config.token, config.aes_key, config.app_id) if config.safe_mode else None

    def read(self, body: bytes, envelope: Envelope) -> BaseMessage:
        """The message in ``body`` (decrypted in safe mode); ``ProtocolError`` for anything else."""
        if self._crypto is not None and not envelope.encrypted:
            raise ProtocolError("plaintext message while safe mode is on")
        try:
            xml = body.decode("utf-8")
            if self._crypto is not None:
                xml = self._crypto.decrypt_message(
                    xml, envelope.msg_signature or "", envelope.timestamp, envelope.nonce
                )
            message = parse_message(xml)
            if message is None or not isinstance(message.source, str) or not isinstance(message.target, str):
                raise ProtocolError("message without sender or receiver")
            _ = message.id, message.time  # integers: a malformed one fails here, not later
            return message
        except InvalidSignatureException:
            raise ProtocolError("wrong message signature", 403) from None
        except ProtocolError:
            raise
        except (ExpatError, UnicodeDecodeError, KeyError, TypeError, ValueError, AttributeError, InvalidAppIdException):
            raise ProtocolError("malformed message") from None
        except Exception as exc:  # wechatpy's decryption raises bare errors on garbage ciphertext
            raise ProtocolError(f"unreadable message ({type(exc).__name__})") from None

    def reply(self, message: BaseMessage, text: str, envelope: Envelope) -> str:
        """The passive text reply to ``message``: XML, encrypted and signed in safe mode."""
        reply = TextReply(
            source=_cdata_safe(message.target), target=_cdata_safe(message.source), content=_cdata_safe(text)
        )
        xml = reply.render()
        if self._crypto is None:
            return xml
        return self._crypto.encrypt_message(xml, envelope.nonce, envelope.timestamp)
