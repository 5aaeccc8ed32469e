"""decode_page: every page decodes strictly to the right text, or is refused."""

from __future__ import annotations

import codecs
import random

import pytest

from tracker.core.decode import decode_page
from tracker.core.errors import FetchError

# Invented organisations; a page of real names has no place in a test.
NAMES = [
    "星河智能科技有限公司",
    "云岭数据研究院",
    "蓝鲸算力网络股份有限公司",
    "启明视觉技术有限公司",
    "青松语音实验室",
    "天枢芯片设计有限公司",
    "北辰机器人（深圳）有限公司",
    "海棠大模型创新中心",
]


def page(meta: str = "", names: list[str] = NAMES) -> str:
    items = "".join(f"<li>{name}</li>" for name in names)
    return (
        f"<html><head>{meta}<title>组织架构</title></head><body>"
        f"<h2>理事长单位</h2><ul>{items}</ul><h2>理事单位（{len(names)}家）</h2></body></html>"
    )


GB_META = '<meta charset="gb2312">'
GB_HTTP_EQUIV = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
# 䶮 and 𠀀 exist in GB18030 but not in GBK/GB2312: only a GB18030 reading keeps them.
BEYOND_GBK = page(GB_META, ["䶮星数据科技有限公司", "𠀀川智算有限公司"])


@pytest.mark.parametrize(
    ("content", "content_type", "expected_text", "expected_encoding"),
    [
        pytest.param(
            page().encode(), "text/html; charset=utf-8", page(), "utf-8", id="utf8-header"
        ),
        pytest.param(page().encode(), None, page(), "utf-8", id="utf8-undeclared"),
        pytest.param(
            page(GB_META).encode("gbk"), "text/html", page(GB_META), "gb18030", id="gbk-meta"
        ),
        pytest.param(
            page(GB_HTTP_EQUIV).encode("gbk"),
            "text/html",
            page(GB_HTTP_EQUIV),
            "gb18030",
            id="gbk-http-equiv",
        ),
        pytest.param(BEYOND_GBK.encode("gb18030"), None, BEYOND_GBK, "gb18030", id="gb18030"),
        pytest.param(page().encode("gbk"), None, page(), "gb18030", id="gbk-undeclared"),
        pytest.param(
            # Short GBK text: charset-normalizer alone reads this as EUC-JIS mojibake.
            "星河".encode("gbk") * 20,
            None,
            "星河" * 20,
            "gb18030",
            id="gbk-undeclared-short",
        ),
        pytest.param(
            page().encode("gbk"),
            "text/html; charset=utf-8",
            page(),
            "gb18030",
            id="header-utf8-bytes-gbk",
        ),
        pytest.param(
            page().encode("gbk"), "text/html; charset=x-gbk", page(), "gb18030", id="x-gbk"
        ),
        pytest.param(
            page().encode("gbk"), "text/html; charset=CP936", page(), "gb18030", id="cp936"
        ),
        pytest.param(codecs.BOM_UTF8 + page().encode(), None, page(), "utf-8-sig", id="utf8-bom"),
        pytest.param(page().encode("utf-16"), None, page(), "utf-16", id="utf16-bom"),
        pytest.param(
            page().encode("utf-16"),
            "text/html; charset=iso-8859-1",
            page(),
            "utf-16",
            id="bom-beats-wrong-header",
        ),
        pytest.param(
            page().encode(),
            'text/html; charset="klingon-8"',
            page(),
            "utf-8",
            id="bogus-header-charset",
        ),
        pytest.param(
            page('<meta charset="no-such-charset">').encode(),
            None,
            page('<meta charset="no-such-charset">'),
            "utf-8",
            id="bogus-meta-charset",
        ),
        pytest.param(
            # A Python codec but no web charset: must not turn \u661f into 星.
            rb"<p>\u661f</p>",
            "text/html; charset=unicode-escape",
            r"<p>\u661f</p>",
            "utf-8",
            id="python-only-codec",
        ),
        pytest.param(
            # The page itself contains U+FFFD (as UTF-8 bytes): that is content, not damage.
            "<p>星\ufffd河</p>".encode(),
            None,
            "<p>星\ufffd河</p>",
            "utf-8",
            id="literal-replacement-char",
        ),
    ],
)
def test_decodes_strictly_to_the_right_text(
    content: bytes, content_type: str | None, expected_text: str, expected_encoding: str
) -> None:
    assert decode_page(content, content_type) == (expected_text, expected_encoding)


def test_meta_beyond_the_first_4kb_is_ignored() -> None:
    # A charset named deep in the body is page content, e.g. an article about encodings.
    content = b"<html>" + b" " * 5000 + b'<meta charset="utf-16">' + "星河".encode()
    assert decode_page(content)[1] == "utf-8"


def test_undecodable_garbage_is_refused_naming_the_source() -> None:
    garbage = random.Random(7).randbytes(3000)
    with pytest.raises(FetchError) as caught:
        decode_page(garbage, "text/html; charset=utf-8", source="http://example.test/p")
    message = str(caught.value)
    assert message.startswith("http://example.test/p: cannot decode bytes honestly")
    assert "(tried: utf-8, gb18030" in message


def test_unknown_charsets_are_listed_among_the_tried() -> None:
    with pytest.raises(FetchError, match=r"tried: klingon-8 \(unknown\), utf-8, gb18030"):
        decode_page(random.Random(3).randbytes(2000), "text/html; charset=klingon-8")
