"""WeChat reply latency: signed (and in safe mode encrypted) messages through HTTP to /wechat.

    python bench/wechat.py [--messages 1000] [--members 50]

Runs the server of bench/web_chat.py with WECHAT_TOKEN set, once in plaintext mode and once in
safe mode (WECHAT_APP_ID and WECHAT_AES_KEY), and posts the evaluation questions as WeChat's
servers would (wechatpy's signing and crypto), one at a time from ``--members`` openids. Prints
p50/p99/max of the time to the passive reply; WeChat gives up after 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import sys
import time
from pathlib import Path

import aiohttp
import xmltodict
from wechatpy.crypto import WeChatCrypto

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from web_chat import percentile, questions, server

from bot.channels.wechat.protocol import signature

TOKEN = "bench-token"
APP_ID = "wxbench0000000000"
AES_KEY = base64.b64encode(bytes(range(32, 64))).decode().rstrip("=")
WECHAT_TIMEOUT_MS = 5000


def message(openid: str, text: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


async def measure(url: str, asked: list[str], members: int, crypto: WeChatCrypto | None) -> list[float]:
    samples = []
    async with aiohttp.ClientSession(url) as http:
        for i, text in enumerate(asked):
            timestamp, nonce = str(int(time.time())), str(i)
            params = {"signature": signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
            body = message(f"o-bench-{i % members}", text, 10**9 + i)
            start = time.perf_counter()
            if crypto is not None:  # WeChat encrypts as it sends: part of the time a real request takes
                sealed = xmltodict.parse(crypto.encrypt_message(body, nonce, timestamp))["xml"]
                params |= {"encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
                body = f"<xml><Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
            async with http.post("/wechat", params=params, data=body.encode()) as resp:
                reply = await resp.text()
            samples.append((time.perf_counter() - start) * 1000)
            if resp.status != 200 or "<xml>" not in reply:
                raise RuntimeError(f"unexpected reply {resp.status}: {reply[:200]}")
    return samples


def run(label: str, env: dict[str, str], crypto: WeChatCrypto | None, count: int, members: int) -> None:
    with server(env) as url:
        asyncio.run(measure(url, questions(50), 5, crypto))  # warm-up
        samples = asyncio.run(measure(url, questions(count), members, crypto))
    late = sum(s > WECHAT_TIMEOUT_MS for s in samples)
    print(
        f"  {label}: p50 {percentile(samples, 0.5):.1f} ms, p99 {percentile(samples, 0.99):.1f} ms,"
        f" max {max(samples):.1f} ms; over WeChat's 5 s: {late}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--members", type=int, default=50)
    args = parser.parse_args()
    print(f"WeChat: {args.messages} text messages through HTTP from {args.members} openids (POST /wechat)")
    run("plaintext mode", {"WECHAT_TOKEN": TOKEN}, None, args.messages, args.members)
    safe = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_AES_KEY": AES_KEY}
    run("safe mode", safe, WeChatCrypto(TOKEN, AES_KEY, APP_ID), args.messages, args.members)


if __name__ == "__main__":
    main()
