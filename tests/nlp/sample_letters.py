"""Long letters written for the tests: a formal complaint whose body can carry one
dangerous sentence anywhere."""

HEAD = ("关于公司长期拖欠工资和不缴社保问题的情况反映\n尊敬的县人社局领导：\n您好！我叫李秀英，"
        "家住东屯镇前进村，2019年3月进入县城某服装加工公司从事缝纫工作，至今已有五年多。")
BODY = [
    "公司与我签订的劳动合同约定月工资为3200元，但从2023年8月起，公司就以订单减少为由只发一半工资。",
    "根据《中华人民共和国劳动合同法》第三十条规定：“用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。”",
    "截至2024年4月，公司共拖欠我工资14300元，我多次找车间主任和老板讨要，他们总是说等资金回笼再说。",
    "更让人气愤的是，公司入职时承诺给我们缴纳社会保险，可我去社保局一查，五年里只缴了十一个月。",
    "我今年已经四十七岁了，再过几年就到退休年龄，社保缴费年限不够，将来连养老金都领不到。",
    "我家里上有七十多岁的婆婆常年吃药，下有一个孩子在读高中，丈夫前年在工地上摔伤了腰，干不了重活。",
    "全家的开支都靠我这份工资，现在工资发不下来，孩子的学费和婆婆的药费都是找亲戚借的。",
    "今年三月我向县劳动监察大队投诉过一次，工作人员来公司看了看，老板答应月底前补发，可到现在一分钱也没给。",
    "车间里和我情况一样的还有二十多个姐妹，大家都不敢多说，怕被公司辞退以后更拿不到钱。",
    "我也咨询过律师，律师说可以申请劳动仲裁，可是仲裁要时间，我们等不起，家里已经揭不开锅了。",
]
TAIL = ("恳请领导重视，责成公司补发拖欠的工资，补缴社会保险，维护我们农民工的合法权益。此致\n敬礼！\n"
        "反映人：李秀英  联系电话：13912345678\n2024年5月6日")


def letter(danger: str | None = None, at: int = 7, repeat: int = 2) -> str:
    """A letter of about 700 characters per ``repeat``; ``danger`` goes after sentence ``at``
    of the last repetition (deep inside the letter)."""
    body = BODY * repeat
    if danger:
        cut = len(BODY) * (repeat - 1) + at
        body = body[:cut] + [danger] + body[cut:]
    return HEAD + "".join(body) + TAIL
