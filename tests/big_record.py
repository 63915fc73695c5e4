"""A large, valid visit record of any number of topics, for scale tests and benchmarks."""

from __future__ import annotations

from typing import Any

PARAGRAPH = (
    "The sides reviewed cooperation in trade, transit and energy along the Middle Corridor, "
    "including cargo through the ports of Aktau, Kuryk and Alat; Minister Bayramov and "
    "Minister Nurtleu (Мұрат Нұртілеу, Ceyhun Bayramov) noted a turnover of 533.4 million "
    "USD in 2024 and agreed to meet again in Bakı. Şəki, İsmayıllı, Қызылорда, Өскемен."
)


def big_record(topics: int) -> dict[str, Any]:
    """Plain data of a record with ``topics`` topics, each with two paragraphs, two points
    and a quote; every string is different so that a test can look for each."""
    data: dict[str, Any] = {
        "document": {
            "reference": "MFA-KZ/BIL/2025/9999",
            "classification": "OFFICIAL",
            "date": "2025-03-14",
            "ministry": "Ministry of Foreign Affairs of the Republic of Kazakhstan",
        },
        "visit": {
            "title": f"Working visit with {topics} topics",
            "start": "2025-03-13",
            "host": {"name": "Kazakhstan", "code": "KZ"},
            "guest": {"name": "Azerbaijan", "code": "AZ"},
        },
        "summary": ["A record made large on purpose, to measure memo-gen against size."],
        "participants": [
            {"id": "nurtleu", "name": "Murat Nurtleu", "country": "KZ", "role": "principal"},
            {"id": "bayramov", "name": "Jeyhun Bayramov", "country": "AZ", "role": "principal"},
        ],
        "topics": [],
        "quotes": [],
        "figures": [
            {"id": f"f{i}", "label": f"Figure {i}", "value": 100.5 * i, "currency": "USD"}
            for i in range(1, 6)
        ],
    }
    for i in range(1, topics + 1):
        data["topics"].append({
            "id": f"t{i}",
            "title": f"Topic {i}: transit and energy",
            "areas": ["trade", "energy"],
            "summary": [f"[{i}a] {PARAGRAPH}", f"[{i}b] {PARAGRAPH}"],
            "points": [f"Point {i}.1 on tariffs.", f"Point {i}.2 on schedules."],
        })  # fmt: skip
        speaker = "nurtleu" if i % 2 else "bayramov"
        data["quotes"].append(
            {"speaker": speaker, "kind": "direct", "topic": f"t{i}", "text": f"Quote {i}."}
        )
    return data
