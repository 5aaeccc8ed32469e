"""Inference from a name alone (issue 16), over invented names: each rule and each trap."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.core.fields import INFERRED_ORIGIN
from tracker.core.gazetteer import gazetteer
from tracker.core.infer import infer, place_of, type_of


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("星河智能科技有限公司", "Industry"),
        ("青岚数据（北京）有限公司", "Industry"),
        ("云杉控股集团", "Industry"),
        ("松涛创投合伙企业（有限合伙）", "Industry"),
        ("星河商业银行", "Industry"),
        ("青岚律师事务所", "Industry"),
        ("星河微电子股份有限公司", "Industry"),
        # A legal company form wins over the academic word before it.
        ("青岚智能研究院有限公司", "Industry"),
        # An institute of a company is the company's.
        ("星河电子集团公司第九十九研究所", "Industry"),
        ("青岚理工大学", "Academia"),
        ("星河师范学院", "Academia"),
        ("青岚人工智能研究院", "Academia"),
        ("星河光电研究所", "Academia"),
        ("云杉类脑实验室", "Academia"),
        ("青岚宽带工程研究中心", "Academia"),
        ("青岚理工大学附属第一医院", "Academia"),
        # A university's sub-institute is still academic, wherever the name starts.
        ("青岚理工大学星河智能研究院", "Academia"),
        # Institutes of state organs are the state's.
        ("中国科学院星河研究所", "Government"),
        ("星河部第七研究所", "Government"),
        ("星河高新区管理委员会", "Government"),
        ("青岚市人民政府", "Government"),
        ("星河发展改革局", "Government"),
        ("青岚数据服务中心", "Government"),
        ("星河开发建设办公室", "Government"),
        # Not an institution's head: a club, a division, a layout.
        ("星河青年俱乐部", None),
        ("青岚智能事业部", None),
        # Associations, alliances and societies: CSET's "Other/unknown", left unsaid.
        ("青岚人工智能产业联盟", None),
        ("星河智能产业协会", None),
        ("青岚指挥学会", None),
        ("星河云杉", None),
        # A trailing bracket never hides the form before it.
        ("星河算力中心（青岚研究所）", None),
    ],
)
def test_type_from_institution_form(name: str, expected: str | None) -> None:
    assert type_of(name) == expected


@pytest.mark.parametrize(
    ("name", "province", "city"),
    [
        # Leading region: full, short, a city implying its province, a municipality.
        ("北京星河科技有限公司", "Beijing", "Beijing"),
        ("广东省星河科技有限公司", "Guangdong", None),
        ("广东星河科技有限公司", "Guangdong", None),
        ("深圳市星河科技有限公司", "Guangdong", "Shenzhen"),
        ("杭州星河科技有限公司", "Zhejiang", "Hangzhou"),
        ("重庆星河科技有限公司", "Chongqing", "Chongqing"),
        ("内蒙古星河科技有限公司", "Inner Mongolia", None),
        ("广西壮族自治区星河科技有限公司", "Guangxi", None),
        ("西安星河科技有限公司", "Shaanxi", "Xi'an"),
        ("乌鲁木齐星河科技有限公司", "Xinjiang", "Ürümqi"),
        # A province then its city.
        ("广东省深圳市星河科技有限公司", "Guangdong", "Shenzhen"),
        ("浙江杭州星河科技有限公司", "Zhejiang", "Hangzhou"),
        # Brackets, full- and half-width, full or short form.
        ("青岚数据（北京）有限公司", "Beijing", "Beijing"),
        ("青岚数据(上海)有限公司", "Shanghai", "Shanghai"),
        ("青岚数据（苏州市）有限公司", "Jiangsu", "Suzhou"),
        ("青岚数据（广东深圳）有限公司", "Guangdong", "Shenzhen"),
        # A bracket is the registered region: it wins over a brand's leading place word.
        ("上海星河数据（杭州）有限公司", "Zhejiang", "Hangzhou"),
        # A place after an institution's own name is where that part of it is.
        ("北京青岚理工大学苏州研究院", "Jiangsu", "Suzhou"),
        ("星河数据有限公司深圳分公司", "Guangdong", "Shenzhen"),
        ("星河通信集团广东有限公司", "Guangdong", None),
        # Mid-name: a city with its suffix, an unambiguous short form.
        ("星河云杉宁波市分院", "Zhejiang", "Ningbo"),
        ("中国科学院深圳星河研究院", "Guangdong", "Shenzhen"),
        # 吉林 alone is the province; the city needs its suffix.
        ("吉林星河科技有限公司", "Jilin", None),
        ("吉林市星河科技有限公司", "Jilin", "Jilin"),
    ],
)
def test_place_from_name(name: str, province: str | None, city: str | None) -> None:
    assert place_of(name) == (province, city)


@pytest.mark.parametrize(
    "name",
    [
        # 中国 and 中华 are not places.
        "中国星河科技有限公司",
        "中华青岚数据有限公司",
        "星河（中国）有限公司",
        # Short city names that are also words or brands count only with 市 or brackets.
        "中山星河大学",
        "安康星河保险有限公司",
        "星河朝阳科技有限公司",
        "大同星河科技有限公司",
        # Mid-name forms that end another word: 华南通信 is not 南通, 武夷山东方 not 山东.
        "华南通信星河有限公司",
        "武夷山东方星河有限公司",
        "星河中山东路科技有限公司",
        # A bracket that names no place.
        "星河（国际）有限公司",
    ],
)
def test_no_false_place(name: str) -> None:
    assert place_of(name) == (None, None)


def test_ambiguous_short_forms_count_with_suffix_or_bracket() -> None:
    assert place_of("中山市星河科技有限公司") == ("Guangdong", "Zhongshan")
    assert place_of("星河科技（安康）有限公司") == ("Shaanxi", "Ankang")
    assert place_of("南通星河科技有限公司") == ("Jiangsu", "Nantong")


def test_a_left_to_right_reading_never_overlaps() -> None:
    # 上海 is read first, so 海南 inside 上海南… is never a hit.
    assert place_of("上海南方星河科技有限公司") == ("Shanghai", "Shanghai")
    # 广西 first: no 西安 in 广西安….
    assert place_of("广西安泰星河有限公司") == ("Guangxi", None)


def test_infer_marks_its_guess_and_says_nothing_when_the_name_is_silent() -> None:
    note = infer("k1", "深圳市星河科技有限公司")
    assert note is not None
    assert (note.key, note.origin, note.name) == ("k1", INFERRED_ORIGIN, "深圳市星河科技有限公司")
    assert (note.type, note.province, note.city) == ("Industry", "Guangdong", "Shenzhen")
    assert note.common_name_en is None and note.sources == {}
    assert infer("k2", "星河云杉") is None
    partial = infer("k3", "青岚人工智能产业联盟（北京）")
    assert partial is not None and (partial.type, partial.city) == (None, "Beijing")


def test_gazetteer_is_complete_and_consistent() -> None:
    places = gazetteer()
    # 34 provincial-level divisions less Taiwan's cities: 4 municipalities + 2 SARs + 28.
    assert len(places.provinces) == 34
    # Every prefecture-level city (293) is a city of a province the gazetteer has.
    cities = sum(len(within) for within in places.cities.values()) - 6
    assert cities == 293
    assert all(within <= places.provinces for within in places.cities.values())
    # Pinyin twins stay distinct by province.
    assert places.cities["Suzhou"] == {"Jiangsu", "Anhui"}
    assert places.cities["Taizhou"] == {"Jiangsu", "Zhejiang"}


def test_the_benchmark_normalises_csets_quirks_and_counts_them() -> None:
    from collections import Counter

    from bench.inference import _normalised
    from tracker.core.annotations import Annotation

    def note(province: str, city: str) -> Annotation:
        return Annotation(key="k", origin="cset-2020", name="星河", province=province, city=city)

    quirks: Counter[str] = Counter()
    places = gazetteer()
    assert _normalised(note("Shenzhen", "Shenzhen"), places, quirks)["province"] == "Guangdong"
    assert _normalised(note("Guangxi Autonomous region", "Qinzhou, Guangxi"), places, quirks) == {
        "type": None,
        "province": "Guangxi",
        "city": "Qinzhou",
    }
    assert _normalised(note("Sichuan", "Chongqing"), places, quirks)["province"] == "Chongqing"
    assert _normalised(note("Unknown", "Xinghe Co., Ltd."), places, quirks)["city"] is None
    assert sum(quirks.values()) == 5 and quirks["city outside the province given"] == 1


def test_the_benchmark_skips_with_a_reason_without_csets_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bench import inference

    monkeypatch.setattr(inference, "CSV", tmp_path / "absent.csv")
    figures, notes = inference.measure()
    assert figures == [] and "skipped" in notes[0] and "absent.csv" in notes[0]


@pytest.mark.parametrize(
    "name",
    [
        # A place followed by a street word is an address or a brand, not where it is.
        "福州路星河书店有限公司",
        "南京路青岚科技有限公司",
        "北京路星河广告有限公司",
        "天水围青岚教育中心",
        "杭州大道星河科技有限公司",
        "青岚南京街星河商行",
        "广州巷星河餐饮有限公司",
        "上海广场星河物业有限公司",
        "长春藤星河教育科技有限公司",
        # 长春 alone is also a word (常春藤 written 长春藤); it needs 市 or a bracket.
        "长春星河科技有限公司",
    ],
)
def test_a_street_or_a_brand_word_is_no_place(name: str) -> None:
    assert place_of(name) == (None, None)


def test_a_street_word_never_hides_a_suffixed_place_or_an_industry_word() -> None:
    assert place_of("长春市星河科技有限公司") == ("Jilin", "Changchun")
    assert place_of("星河数据（长春）有限公司") == ("Jilin", "Changchun")
    # 路桥 (roads and bridges) and 围棋 (go) are trades, not streets.
    assert place_of("四川路桥星河建设有限公司") == ("Sichuan", None)
    assert place_of("北京围棋星河俱乐部") == ("Beijing", "Beijing")
    # The full form names the city itself, never a street.
    assert place_of("上海市道远星河有限公司") == ("Shanghai", "Shanghai")


def test_an_institute_of_a_ministry_is_governments() -> None:
    # A ministry, then the institute's field, then its number (…部电子第五研究所).
    assert type_of("星河和青岚化部光电第九研究所") == "Government"
    assert type_of("星河部第七研究所") == "Government"
    # A division (事业部) is no ministry.
    assert type_of("星河事业部光电第九研究所") == "Academia"


@pytest.mark.parametrize("unit", ["北京", "大学", "北京大学", "（北京", "部第"])
def test_hostile_names_cost_linear_time(unit: str) -> None:
    """A name of 200,000 characters: a linear reading takes a fraction of a second, the
    quadratic one took 20 s to minutes. The bound is generous: it only catches the latter."""
    import time

    name = unit * (200_000 // len(unit)) + "医院"
    started = time.perf_counter()
    infer("k", name)
    assert time.perf_counter() - started < 10
