"""How HTML output looks: the CJK font stack the report and the site share, and the report's
style sheet."""

from __future__ import annotations

# Simplified Chinese fonts first: with lang="zh-CN" they draw names in mainland glyph forms,
# and a browser that has none of them still falls back to any CJK font it has.
FONTS = (
    '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB",'
    '"Microsoft YaHei","WenQuanYi Micro Hei",sans-serif'
)
REPORT_CSS = (
    f"body{{font-family:{FONTS};margin:2em;color:#222}}"
    "table{border-collapse:collapse;margin-bottom:1.5em}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    "th{background:#f3f3f3}code{font-size:90%;word-break:break-all}"
    ".note{color:#555;font-size:90%;max-width:60em}"
)
