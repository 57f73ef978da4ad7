#!/usr/bin/env python3
"""feedpub's deterministic benchmark corpus: thousands of Jekyll- and Hugo-dialect posts.

Usage::

    python bench/corpus.py OUTDIR --posts N [--seed S] [--dialect mixed|jekyll|hugo] [--verbose]

or, from Python::

    from bench.corpus import generate
    paths = generate(Path("out"), posts=10_000, seed=1, dialect="mixed")

OUTDIR is created when missing; files already in it are left alone (use an empty directory).
Nothing is printed unless ``--verbose`` is given.

Shape of the corpus (modelled on the two seed posts the project was created from):

* Jekyll posts, ``YYYY-MM-DD-<slug>.md``: ``layout: post``, a quoted ``title``, a
  ``date: 2022-03-18 09:01:56 +0800`` string, ``categories`` as one ASCII word, ``tags`` as one
  string or a YAML list, and an HTML body: a hidden ``<p style="display:none">``, Chinese
  paragraphs, an image with an absolute URL, a source line, a Markdown autolink and
  protocol-relative Markdown links.
* Hugo posts, ``<slug>.md``: ``title``, an ISO ``date`` at ``+08:00``, ``draft`` (about 2% true),
  ``featured_image`` (root-relative, sometimes with spaces), ``summary``, 3-8 ``tags`` and 1-3
  ``main_topics``; a Markdown body with a blockquote, ``###`` headings, ``**bold**`` and footnotes.
  With ``--dialect hugo`` every post is Hugo-style and also carries ``categories`` (a copy of
  ``main_topics``), so Hugo itself builds category pages from them.

Tags come from a fixed universe of 1500 names drawn with Zipf-like weights (rank r weighs
1/r**1.1): a few tags sit on thousands of posts, most on a handful. A few popular tags also
appear, rarely, in other spellings that feedpub must fold into one term (``AI芯片``, ``ai芯片``,
``ＡＩ芯片``). Categories (Jekyll) and topics (Hugo) are 40 each, drawn the same way.

Determinism: post ``i`` is generated from its own ``random.Random(f"{seed}:{i}")`` and the
fixed tables below (word lists, tag ranks, and a pool of sentences built once from a fixed seed),
so it depends only on (seed, i, dialect mode), never on N; the same arguments give
byte-identical files (UTF-8, LF line endings, locale-independent). Every file name carries the
post index, so names never collide. Dates fall between 2022-01-01 and 2025-12-31 (+08:00), all
before 2026-01-01 UTC.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from random import Random

DIALECTS = ("mixed", "jekyll", "hugo")
TZ = timezone(timedelta(hours=8))
FIRST_MOMENT = datetime(2022, 1, 1, 0, 0, 0, tzinfo=TZ)
LAST_MOMENT = datetime(2025, 12, 31, 23, 59, 59, tzinfo=TZ)
ZIPF_EXPONENT = 1.1
TAG_COUNT = 1500
VARIANT_RATE = 0.04  # how often a tag that has other spellings is written in one of them
DRAFT_RATE = 0.02

# ---------------------------------------------------------------------------
# Vocabulary: phrases that sentences, titles and tags are assembled from
# ---------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """A word list written as whitespace-separated text."""
    return tuple(text.split())


ENTITIES = words("""
    华为 中兴通讯 小米集团 联想集团 浪潮信息 紫光股份 中科曙光 海光信息 寒武纪 壁仞科技 摩尔线程
    燧原科技 沐曦 天数智芯 地平线 黑芝麻智能 商汤科技 旷视科技 云从科技 依图科技 科大讯飞 百度
    阿里巴巴 阿里云 腾讯 字节跳动 快手 美团 京东 拼多多 网易 蚂蚁集团 比亚迪 宁德时代 蔚来
    理想汽车 小鹏汽车 零跑汽车 极氪 赛力斯 长安汽车 吉利控股 上汽集团 广汽集团 长城汽车 中芯国际
    华虹半导体 长江存储 长鑫存储 北方华创 中微公司 韦尔股份 兆易创新 澜起科技 立讯精密 歌尔股份
    工业富联 京东方 TCL科技 海尔智家 美的集团 格力电器 隆基绿能 通威股份 阳光电源 天合光能
    晶科能源 亿纬锂能 国轩高科 中国移动 中国电信 中国联通 招商银行 平安银行 中信证券 华泰证券
    东方财富 同花顺 月之暗面 智谱 百川智能 零一万物 深度求索 MiniMax 阶跃星辰 宇树科技
    优必选 大疆 英伟达 台积电 三星电子 英特尔 高通 博通 美光科技 阿斯麦 苹果公司 微软 谷歌
    亚马逊 特斯拉 OpenAI Anthropic Meta
""")
SUBJECTS = words("""
    公司 管理层 业内人士 分析人士 投资者 监管部门 头部厂商 研究机构 董事会 创始团队 券商研报
    行业协会 上游供应商 下游客户 地方政府 市场 不少机构 一位接近公司的人士 多位受访者 产业链人士
    海外基金 散户投资者 主要竞争对手 新任负责人 技术团队 销售部门 评级机构 咨询公司
""")
ADVERBS = words("""
    已经 正在 进一步 持续 逐步 显著 明显 大幅 仍然 或将 有望 加速 率先 再次 悄然 全面 集中
    谨慎地 积极 短期内
""")
VERBS = words("""
    推动 提升 压缩 加大 布局 发布 披露 调整 剥离 收购 扩大 缩减 押注 聚焦 投入 突破 降低
    完成 启动 重组 放缓 追赶 替代 整合 上调 下调 收紧 放宽 拓展 优化 重估 抢占 押宝 切入
    退出 加码 分拆 孵化 引入 验证
""")
OBJECTS = words("""
    研发投入 算力储备 市场份额 毛利率 现金流 大模型训练成本 芯片产能 海外业务 数据中心建设 推理服务
    自研芯片 供应链布局 渠道体系 订单规模 营收结构 估值体系 人才梯队 专利储备 软件生态 硬件平台
    核心技术 商业化落地 资本开支 库存水平 产品矩阵 客户结构 出货量 定价策略 融资计划 上市进程
    组织架构 成本结构 盈利能力 分红方案 回购计划 开源模型 智能座舱 固态电池 先进制程 封装产能
    存储带宽 云服务价格 端侧模型 具身智能 自动驾驶方案 机器人量产 光模块需求 液冷服务器 算力租赁业务
    国产替代进程 出口许可 合规体系 数据安全 用户增长
""")
CONNECTORS = words("""
    与此同时， 值得注意的是， 据了解， 业内普遍认为， 从长期来看， 此外， 不过， 然而， 事实上，
    另一方面， 对此， 截至目前， 在此背景下， 换句话说， 更重要的是， 一位分析师指出， 公开资料显示，
    据不完全统计，
""")
TAILS = words("""
    但短期内难以看到回报 引发市场广泛关注 这一趋势仍在延续 超出此前市场预期 股价随之大幅波动
    竞争格局因此生变 盈利压力依然不小 外界对此看法不一 相关细节尚未披露 这需要巨大的投入
    行业洗牌正在加速 资本态度趋于谨慎 技术路线仍有分歧 价格战愈演愈烈 客户验证周期较长 产能爬坡不及预期
    政策支持力度加大 海外市场空间广阔 估值已经回到低位 毛利率承压明显 投入产出比有待检验
    监管要求日趋严格 供应链风险仍未解除 用户口碑有所回升
""")
QUOTES = words("""
    我们更看重长期价值 烧钱的阶段已经过去了 这不是一场短跑 技术领先才是唯一的护城河
    没有订单，一切都是空谈 今年是真正落地的一年 价格战没有赢家 我们不会放弃底层研发 客户要的是稳定交付
    算力就是新的电力 先活下来，再谈理想 生态比单点技术更重要
""")
MONTHS = words("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
UNITS = ("亿元", "万元", "亿美元", "万台", "万辆", "家", "倍", "个百分点")
SOURCES = words("""
    财联社 证券时报 第一财经 界面新闻 21世纪经济报道 经济观察报 澎湃新闻 上海证券报 中国证券报
    每日经济新闻 新浪财经 36氪 钛媒体 虎嗅
""")
SLUG_WORDS = words("""
    ai chip gpu model cloud market funding ipo earnings robot ev battery solar policy export merger
    layoff ceo quarter loss profit strategy compute server startup supply chain price war data
    center open source memory fab deal spin off review
""")

# Jekyll categories: (ASCII slug, Chinese name, usual source), most popular first.
JEKYLL_CATEGORIES = (
    ("cailianshe", "财联社新闻", "财联社"), ("tech", "科技要闻", "36氪"),
    ("chips", "芯片动态", "集微网"), ("stocks", "个股新闻", "证券时报"),
    ("ai", "人工智能", "机器之心"), ("macro", "宏观观察", "第一财经"),
    ("auto", "汽车产业", "汽车之家"), ("hk", "港股快讯", "智通财经"),
    ("us", "美股快讯", "华尔街见闻"), ("funds", "基金动向", "中国基金报"),
    ("ipo", "新股追踪", "上海证券报"), ("energy", "能源电力", "中国能源报"),
    ("solar", "光伏储能", "索比光伏网"), ("internet", "互联网", "虎嗅"),
    ("telecom", "通信产业", "通信世界"), ("robotics", "机器人", "高工机器人"),
    ("cloud", "云计算", "钛媒体"), ("banking", "银行业", "金融时报"),
    ("brokers", "券商", "中国证券报"), ("policy", "政策解读", "新华社"),
    ("property", "房地产", "观点网"), ("consumer", "消费", "界面新闻"),
    ("pharma", "医药健康", "医药魔方"), ("gaming", "游戏", "游戏葡萄"),
    ("media", "传媒", "传媒圈"), ("logistics", "物流", "物流沙龙"),
    ("aviation", "航空航天", "民航资讯"), ("shipping", "航运", "航运界"),
    ("metals", "有色金属", "上海有色网"), ("chemicals", "化工", "中国化工报"),
    ("agri", "农业", "农民日报"), ("bonds", "债市", "债券之家"),
    ("forex", "外汇", "新华财经"), ("futures", "期货", "期货日报"),
    ("crypto", "加密资产", "财新网"), ("esg", "绿色金融", "澎湃新闻"),
    ("education", "教育", "中国教育报"), ("retail", "零售", "联商网"),
    ("insurance", "保险", "中国银行保险报"), ("global", "全球财经", "参考消息"),
)  # fmt: skip
HUGO_TOPICS = words("""
    算力与芯片 大模型与生成式AI 产业生态与商业版图 投融资与市场洞察 智能汽车与出行 政策与监管
    云与数据中心 机器人与具身智能 消费电子 半导体制造与设备 新能源与储能 互联网平台 全球科技竞争
    开源与开发者 企业战略与组织 人才流动 数据安全与隐私 通信与网络 医疗AI 金融科技 电商与零售
    内容与社区 游戏与娱乐 教育科技 工业软件 智能制造 低空经济 卫星与航天 材料与化工 农业科技
    城市与基建 能源价格 宏观经济 资本市场制度 跨境出海 知识产权 ESG与可持续 科研与学术 硬件创业
    行业观察
""")

# Hand-written tags beyond the entities; ASCII and mixed ones included on purpose.
CONCEPT_TAGS = words("""
    人工智能 AI芯片 大模型 算力 生成式AI 国产替代 出口管制 数据中心 智能驾驶 具身智能
    人形机器人 自动驾驶 新能源汽车 固态电池 储能 光伏 锂电池 氢能 半导体 光刻机 存储芯片 先进封装
    晶圆代工 算力租赁 云计算 边缘计算 端侧AI 开源模型 多模态 推理模型 智能体 向量数据库 液冷
    光模块 科创板 创业板 北交所 港交所 纳斯达克 A股 港股 美股 降息 加息 人民币汇率 国债 财报
    亏损 裁员 战略转型 分拆上市 并购重组 股权激励 高管变动 离职 融资 估值 价格战 出海 供应链
    反垄断 数据安全 隐私保护 知识产权 低空经济 卫星互联网 量子计算 脑机接口 数字人民币 工业互联网
    智慧城市
""")
ASCII_TAGS = (
    "AI", "GPU", "NPU", "TPU", "LLM", "AIGC", "AGI", "HBM", "DRAM", "NAND", "EUV", "RISC-V", "ARM",
    "x86", "CUDA", "PyTorch", "Transformer", "MoE", "RAG", "ChatGPT", "Sora", "Claude", "Gemini",
    "Llama", "Qwen", "DeepSeek-R1", "H20", "H100", "B200", "A100", "5G", "6G", "Wi-Fi 7", "IoT",
    "SaaS", "PaaS", "IPO", "ETF", "REITs", "GDP", "CPI", "PMI", "LPR", "ESG", "OLED", "MicroLED",
    "C++", "C#", "R&D", "M&A", "S&P 500", "Node.js", "Web3", "2nm", "3nm", "7nm", "Q1财报", "Q4财报",
    "Open Source", "Machine Learning", "Edge AI", "Cloud Native",
)  # fmt: skip
TAG_FIELDS = words("""
    芯片 光伏 储能 机器人 汽车 电池 手机 服务器 软件 游戏 医药 银行 券商 保险 地产 消费 物流
    航运 钢铁 化工 稀土 电力 通信 卫星 无人机 家电 面板 传感器 操作系统 数据库 大模型 云服务
    电商 短视频 直播 教育 农业 食品 白酒 旅游
""")
TAG_ASPECTS = words("""
    产业链 政策 出海 融资 并购 价格战 产能 专利 标准 补贴 监管 估值 龙头 订单 库存 出口 进口
    人才 上市 退市 研发 毛利 营收 裁员 扩产 招标 合规 安全 生态 联盟 基金 指数 板块 概念股
    财报 试点 园区 集采 关税 替代
""")
# The most used tags, in rank order; the other hand-written ones follow in a fixed shuffled order.
HEAD_TAGS = words("""
    人工智能 AI芯片 大模型 算力 GPU 生成式AI 英伟达 华为 AI 半导体 数据中心 OpenAI
    LLM 国产替代 ChatGPT RISC-V
""")
# Other spellings of a few popular tags; feedpub must fold each group into one term.
TAG_VARIANTS = {
    "AI芯片": ("ai芯片", "ＡＩ芯片", "Ai芯片"),
    "GPU": ("gpu", "ＧＰＵ"),
    "生成式AI": ("生成式ai", "生成式ＡＩ"),
    "AI": ("ai", "ＡＩ"),
    "LLM": ("llm", "ＬＬＭ"),
    "ChatGPT": ("chatgpt", "ChatGpt"),
    "OpenAI": ("openai", "ＯｐｅｎＡＩ"),
    "RISC-V": ("risc-v", "Risc-V"),
}


def term_key(name: str) -> str:
    """The spelling-independent key of a tag: NFKC, collapsed whitespace, casefolded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


@dataclass(frozen=True)
class Ranked:
    """Names in rank order with cumulative Zipf weights, for weighted draws with one bisect."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def zipf(cls, names: Sequence[str], exponent: float = ZIPF_EXPONENT) -> Ranked:
        weights = [1.0 / (rank**exponent) for rank in range(1, len(names) + 1)]
        return cls(tuple(names), tuple(itertools.accumulate(weights)))

    def draw(self, rng: Random) -> str:
        return self.names[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]

    def draw_distinct(self, rng: Random, count: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < count:
            name = self.draw(rng)
            if name not in chosen:
                chosen.append(name)
        return chosen


def _tag_universe() -> tuple[str, ...]:
    """TAG_COUNT distinct tags (by term key), hand-written first, in a fixed rank order."""
    hand = [*CONCEPT_TAGS, *ENTITIES, *ASCII_TAGS, *(name for _, name, _ in JEKYLL_CATEGORIES)]
    Random("feedpub-bench-tag-ranks").shuffle(hand)
    combos = [field + aspect for aspect in TAG_ASPECTS for field in TAG_FIELDS]
    Random("feedpub-bench-tag-combos").shuffle(combos)
    seen: set[str] = set()
    tags: list[str] = []
    for name in itertools.chain(HEAD_TAGS, hand, combos):
        if term_key(name) not in seen:
            seen.add(term_key(name))
            tags.append(name)
    if len(tags) < TAG_COUNT:
        raise AssertionError(f"tag universe too small: {len(tags)}")
    return tuple(tags[:TAG_COUNT])


TAGS = Ranked.zipf(_tag_universe())
CATEGORIES = Ranked.zipf([slug for slug, _, _ in JEKYLL_CATEGORIES])
CATEGORY_INFO = {slug: (name, source) for slug, name, source in JEKYLL_CATEGORIES}
TOPICS = Ranked.zipf(HUGO_TOPICS)

# ---------------------------------------------------------------------------
# Draws: built on Random.random() and Random.getrandbits(), which are fast and stable across
# Python versions (Random.choice and Random.randint cost several times more per call)
# ---------------------------------------------------------------------------


def below(rng: Random, n: int) -> int:
    """An integer in [0, n)."""
    return int(rng.random() * n)


def between(rng: Random, low: int, high: int) -> int:
    """An integer in [low, high], both ends included."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng: Random, items: Sequence[str]) -> str:
    return items[int(rng.random() * len(items))]


def indices(rng: Random, *sizes: int) -> list[int]:
    """One index below each size, all from a single 64-bit draw (the sizes' product stays far below 2**64)."""
    value = rng.getrandbits(64)
    out = []
    for size in sizes:
        value, index = divmod(value, size)
        out.append(index)
    return out


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

LEADS = CONNECTORS + ("",) * (2 * len(CONNECTORS))  # a connector opens about a third of sentences
ACTORS = ENTITIES + SUBJECTS * 3
ADVERB_SLOTS = ADVERBS + ("",) * (2 * len(ADVERBS) // 3)
SENTENCE_SIZES = (100, len(LEADS), len(ACTORS), len(ADVERB_SLOTS), len(VERBS), len(OBJECTS), len(TAILS))


def _number(rng: Random) -> str:
    kind, whole, cents, unit = indices(rng, 2, 999, 100, len(UNITS))
    if kind:
        return f"{whole % 99 + 1}.{cents:02d}%"
    return f"{whole + 1}{UNITS[unit]}"


def sentence(rng: Random, bold: bool = False) -> str:
    """One Chinese sentence with Chinese punctuation, in one of a few shapes."""
    shape, lead_i, actor_i, adverb_i, verb_i, obj_i, tail_i = indices(rng, *SENTENCE_SIZES)
    lead, actor, tail = LEADS[lead_i], ACTORS[actor_i], TAILS[tail_i]
    verb, obj = VERBS[verb_i], OBJECTS[obj_i]
    if shape < 15:
        return f"{lead}{actor}表示，“{QUOTES[verb_i % len(QUOTES)]}”。"
    if shape < 30:
        year = 2019 + adverb_i % 7
        return f"{lead}{year}年，{ENTITIES[actor_i % len(ENTITIES)]}{obj}达到{_number(rng)}，{tail}。"
    if shape < 36:
        return f"{ENTITIES[actor_i % len(ENTITIES)]}能否{verb}{obj}？"
    if bold:
        obj = f"**{obj}**"
    end = "！" if shape < 40 else "。"
    return f"{lead}{actor}{ADVERB_SLOTS[adverb_i]}{verb}{obj}，{tail}{end}"


def clause(rng: Random) -> str:
    """Who did what: a headline-like phrase without punctuation."""
    actor_i, adverb_i, verb_i, obj_i = indices(rng, *SENTENCE_SIZES[2:6])
    return f"{ACTORS[actor_i]}{ADVERB_SLOTS[adverb_i]}{VERBS[verb_i]}{OBJECTS[obj_i]}"


def _sentence_pool(count: int, bold: bool) -> tuple[str, ...]:
    """A fixed pool of sentences; posts string them together, which is much faster than building each."""
    rng = Random(f"feedpub-bench-sentences:{bold}")
    pool: list[str] = []
    while len(pool) < count:
        text = sentence(rng, bold)
        if not bold or "**" in text:
            pool.append(text)
    return tuple(pool)


POOL_BITS = 12
SENTENCES = _sentence_pool(1 << POOL_BITS, bold=False)
BOLD_SENTENCES = _sentence_pool(1 << POOL_BITS, bold=True)


def paragraph(rng: Random, low: int = 2, high: int = 5, bold: bool = False) -> str:
    """`low` to `high` sentences from the pool; with `bold`, one of them carries **bold** text."""
    count = between(rng, low, high)
    bits = rng.getrandbits(POOL_BITS * count)
    mask = (1 << POOL_BITS) - 1
    chosen = [SENTENCES[(bits >> (POOL_BITS * k)) & mask] for k in range(count)]
    if bold:
        chosen[below(rng, count)] = BOLD_SENTENCES[below(rng, len(BOLD_SENTENCES))]
    return "".join(chosen)


def title(rng: Random) -> str:
    """A headline; a few carry characters that need escaping in YAML, XML or HTML."""
    entity, obj = pick(rng, ENTITIES), pick(rng, OBJECTS)
    text = f"{entity}{pick(rng, VERBS)}{obj}：{pick(rng, TAILS)}"
    odd = rng.random()
    if odd < 0.03:
        return f"{entity} & {pick(rng, ENTITIES)}：{obj}之争"
    if odd < 0.05:
        return f"市盈率<20的{entity}，{pick(rng, TAILS)}"
    if odd < 0.07:
        return f"{entity}: {obj}{pick(rng, TAILS)}"
    if odd < 0.09:
        return f"{entity}的“{obj}”{pick(rng, TAILS)}"
    if odd < 0.20:
        return f"为什么{entity}{pick(rng, ADVERBS)}{pick(rng, VERBS)}{obj}？"
    return text


# ---------------------------------------------------------------------------
# YAML scalars, dates, names
# ---------------------------------------------------------------------------

_PLAIN = re.compile(r"[\w\u3000-\u303f\uff00-\uffef“”·（）]+(?: [\w\u3000-\u303f\uff00-\uffef“”·（）]+)*")
_RESOLVES = re.compile(r"[-+.\d].*|(?i:y|n|yes|no|true|false|on|off|null|~)")


def yaml_scalar(value: str, quote: bool = False) -> str:
    """A plain scalar when it can only read back as the same string, else a double-quoted one."""
    if not quote and _PLAIN.fullmatch(value) and not _RESOLVES.fullmatch(value):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def yaml_list(key: str, values: Sequence[str]) -> list[str]:
    return [f"{key}: ", *(f"  - {yaml_scalar(v)}" for v in values)]


def post_moment(rng: Random) -> datetime:
    span = int((LAST_MOMENT - FIRST_MOMENT).total_seconds())
    return FIRST_MOMENT + timedelta(seconds=below(rng, span + 1))


def slug(rng: Random, index: int) -> str:
    parts = [pick(rng, SLUG_WORDS) for _ in range(between(rng, 2, 4))]
    return "-".join([*parts, f"{index:06d}"])


def spelled(rng: Random, tag: str) -> str:
    """The tag as written in this post: usually canonical, rarely another spelling."""
    variants = TAG_VARIANTS.get(tag)
    if variants and rng.random() < VARIANT_RATE:
        return pick(rng, variants)
    return tag


def draw_tags(rng: Random, count: int) -> list[str]:
    return [spelled(rng, tag) for tag in TAGS.draw_distinct(rng, count)]


# ---------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """One generated file: its name and its whole text."""

    name: str
    text: str


def jekyll_tags(rng: Random, category_name: str) -> list[str]:
    """Front-matter lines for Jekyll tags: one whitespace-free string, or a list."""
    if rng.random() < 0.45:
        single = category_name if rng.random() < 0.5 else draw_tags(rng, 1)[0]
        if not any(ch.isspace() for ch in single):
            return [f"tags: {yaml_scalar(single)}"]
    return yaml_list("tags", draw_tags(rng, between(rng, 2, 5)))


def jekyll_body(rng: Random, when: datetime, category: str) -> str:
    name, source = CATEGORY_INFO[category]
    if rng.random() < 0.3:
        source = pick(rng, SOURCES)
    code = 600000 + below(rng, 100000)
    parts = ['<p style="display:none;height:1px;overflow:hidden;"><br /></p>']
    parts.append(
        f'<p style="text-align:center;"><a href="http://quote.example.net/r/1.{code}" target="_blank">'
        f'<img src="https://img.example.net/kline/{code}.png?type=k&amp;v={below(rng, 10**6)}" '
        f'border="0" alt="K图 {code}_0" width="578" height="276" /></a></p>'
    )
    for i in range(between(rng, 3, 8)):
        text = paragraph(rng)
        parts.append(f"<p>{text}<br /></p>" if i == 0 else f"<p>{text}</p>")
    parts.append(f'<p class="em_media">（文章来源：{source}）</p>')
    info = f"NW{when:%Y%m%d}{below(rng, 10**10):010d}"
    return (
        "".join(parts)
        + f"\n\n<http://finews.example.net/html_News/NewsShare.html?infoCode={info}>\n\n"
        + f"[返回{name}](//finews.example.net/category/{category}.html)｜[返回首页](//finews.example.net/)\n"
    )


def jekyll_post(rng: Random, index: int, when: datetime) -> Post:
    category = CATEGORIES.draw(rng)
    front = [
        "---",
        "layout: post",
        f"title: {yaml_scalar(title(rng), quote=True)}",
        f"date: {when:%Y-%m-%d %H:%M:%S} +0800",
        f"categories: {category}",
        *jekyll_tags(rng, CATEGORY_INFO[category][0]),
        "---",
    ]
    body = jekyll_body(rng, when, category)
    return Post(f"{when:%Y-%m-%d}-{slug(rng, index)}.md", "\n".join(front) + "\n" + body)


def featured_image(rng: Random, when: datetime) -> str:
    """A root-relative image path; half of them have spaces and a comma, like the Hugo seed's."""
    if rng.random() < 0.5:
        month = MONTHS[when.month - 1]  # not %b, which follows the locale
        stamp = f"{when:%m}-{month} {when:%d}, {when:%Y_%H-%M-%S}"
        return f"/newsimages/selected_image_YYYY-{stamp}-{below(rng, 1000):03d}.jpg"
    return f"/images/{when:%Y/%m}/cover-{below(rng, 10**6):06d}.jpg"


def footnotes(rng: Random, when: datetime, count: int) -> list[str]:
    lines = ["## 引用"]
    for number in range(1, count + 1):
        seen = when - timedelta(days=between(rng, 0, 3))
        headline = clause(rng)
        lines.append(
            f"[^{number}]: {headline}·{pick(rng, SOURCES)}（{seen.year}/{seen.month}/{seen.day}）"
            f"·检索日期{when.year}/{when.month}/{when.day}"
        )
    return lines


def hugo_body(rng: Random, when: datetime) -> str:
    notes = between(rng, 1, 4)
    blocks = [f"> {paragraph(rng, 2, 3)}"]
    for section in range(between(rng, 2, 4)):
        if section:
            blocks.append(f"### {pick(rng, OBJECTS)}：{pick(rng, TAILS)}")
        for _ in range(between(rng, 1, 3)):
            text = paragraph(rng, bold=rng.random() < 0.6)
            refs = "".join(f"[^{between(rng, 1, notes)}]" for _ in range(between(rng, 0, 2)))
            blocks.append(text + refs)
        if rng.random() < 0.3:
            blocks.append(f"> “{pick(rng, QUOTES)}，{pick(rng, TAILS)}。”[^{between(rng, 1, notes)}]")
    blocks.append("\n".join(footnotes(rng, when, notes)))
    return "\n\n".join(blocks) + "\n"


def hugo_post(rng: Random, index: int, when: datetime, with_categories: bool) -> Post:
    topics = TOPICS.draw_distinct(rng, between(rng, 1, 3))
    front = [
        "---",
        f"title: {yaml_scalar(title(rng))}",
        f"date: {when.isoformat()}",
        f"draft: {'true' if rng.random() < DRAFT_RATE else 'false'}",
        f"featured_image: {yaml_scalar(featured_image(rng, when), quote=True)}",
        f"summary: {yaml_scalar(paragraph(rng, 2, 3))}",
        *yaml_list("tags", draw_tags(rng, between(rng, 3, 8))),
        *yaml_list("main_topics", topics),
    ]
    if with_categories:
        front += yaml_list("categories", topics)
    front.append("---")
    body = hugo_body(rng, when)
    return Post(f"{slug(rng, index)}.md", "\n".join(front) + "\n\n" + body)


def make_post(seed: int | str, index: int, dialect: str = "mixed") -> Post:
    """Post `index` of the corpus for `seed`: depends on nothing else (not on N)."""
    rng = Random(f"{seed}:{index}")
    when = post_moment(rng)
    kind = ("jekyll" if rng.random() < 0.5 else "hugo") if dialect == "mixed" else dialect
    if kind == "jekyll":
        return jekyll_post(rng, index, when)
    return hugo_post(rng, index, when, with_categories=dialect == "hugo")


def generate(outdir: Path, posts: int, seed: int = 1, dialect: str = "mixed") -> list[Path]:
    """Write posts 0..posts-1 into `outdir` (created when missing); return their paths in order."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}")
    if posts < 0:
        raise ValueError("posts must not be negative")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(posts):
        post = make_post(seed, index, dialect)
        path = outdir / post.name
        path.write_bytes(post.text.encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic benchmark corpus of posts.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--posts", type=int, required=True, help="how many posts to write")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--dialect", choices=DIALECTS, default="mixed")
    parser.add_argument("--verbose", action="store_true", help="report what was written")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate(args.outdir, args.posts, args.seed, args.dialect)
    if args.verbose:
        size = sum(path.stat().st_size for path in paths)
        elapsed = time.perf_counter() - started
        print(f"wrote {len(paths)} posts ({size / 1e6:.1f} MB) to {args.outdir} in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
