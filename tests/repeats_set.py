"""The labelled set for repeat and group detection (docs/supervision.md): written by hand as
templates and expanded deterministically into 200+ petitions with their truth.

Kinds of cases, each a list of petitions with a day offset, a petitioner and a text:
- chains: one person files a matter, then again weeks or months later in other words
  (sometimes from another phone, known by name and village or by 身份证号);
- bursts: five to seven different people of one village on one matter within days (a group);
- joint letters: one letter signed by many (等32户, 联名) (a group on its own);
- look-alikes: five different matters in one township within days; the same matter in five
  townships; the same person with a new matter; three neighbours on one matter (too few for
  a group); a letter that only mentions the village; and unrelated background petitions.

Truth: ``chain`` (the matter a repeat belongs to: every case of a chain after the first is a
repeat) and ``group`` (the group petition a case belongs to)."""
from __future__ import annotations

from dataclasses import dataclass

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = ["建国", "秀英", "德明", "桂兰", "志强", "玉梅", "国庆", "海燕", "长江", "春花", "红军", "淑珍", "保国", "凤琴",
         "建华", "丽娟", "振东", "月娥", "永福", "翠萍", "金生", "素芳", "新民", "彩霞", "卫东", "巧云", "树林", "爱华"]


@dataclass(frozen=True)
class Petition:
    key: str
    day: float                 # days after the start of the set
    phone: str
    text: str
    chain: str | None = None   # truth: the matter this person files again
    group: str | None = None   # truth: the group petition


def person(n: int) -> tuple[str, str]:
    """A distinct (name, phone) for petitioner n."""
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7 + n // len(SURNAMES)) % len(GIVEN)], f"+86137{n:08d}"


OPENERS = ["我叫{name}，{place}的，{fact}", "{place}村民，我叫{name}。{fact}", "你好，我叫{name}，家住{place}。{fact}",
           "{place}，我叫{name}，{fact}", "我叫{name}，住在{place}，{fact}", "领导好，我叫{name}，是{place}人，{fact}",
           "我叫{name}，{place}，{fact}"]

# --- chains: one person, one matter, told again in other words ----------------------------
CHAINS = [  # (place, [first telling, later tellings...], day offsets, how the later ones reach us)
    ("东屯镇前屯村", ["村东头新建的养猪场臭气熏天，猪粪水直接排进村边的沟里，夏天根本没法开窗。",
                  "上次反映的养猪场还是老样子，粪水照样往沟里排，臭味一天比一天重，苍蝇满屋子。",
                  "前屯村东的养殖场污染到现在也没人管，沟里全是猪粪，孩子都不敢出门。"], (0, 45, 120), "phone"),
    ("王楼镇李庄村", ["我家承包地被征用修路，每亩补偿款四万八，到现在只给了一半，剩下的一直拖着不给。",
                  "征地补偿款还差一半没给，村里说等上面拨款，已经拖了一年多了。"], (3, 95), "name"),
    ("石婆固镇北街村", ["我在县城工地干了八个月，包工头拖欠工资两万三千元，找了好几次都说没钱。",
                   "包工头欠我的两万多块工钱还是不给，电话也不接了，过年都回不了家。",
                   "讨薪的事一点进展没有，八个月的工资两万三，包工头人都找不到了。"], (10, 40, 70), "phone"),
    ("僧固乡杨庄村", ["我是低保户，今年突然被取消了低保，村干部说名额不够，我一家老小没有收入来源。",
                  "被取消低保的事还没解决，村里把名额给了干部亲戚，我家真的困难。"], (15, 80), "id"),
    ("魏邱乡后河村", ["村里修的水泥路才一年就裂开塌陷了，坑坑洼洼下雨全是泥，怀疑偷工减料。",
                  "新修的村路质量太差，到处开裂塌坑，施工方偷工减料，请派人查一查。"], (20, 150), "phone"),
    ("司寨乡前街村", ["邻居盖房占了我家宅基地一米多，村里调解了几次都不管用，他还继续往上盖。",
                  "宅基地被邻居侵占的问题还在，他把墙都垒起来了，村委会不管。",
                  "邻居占我家宅基地盖房，越盖越高，村里乡里都不解决。"], (25, 60, 200), "name"),
    ("马庄乡西马庄村", ["家里自来水三天两头停水，一停就是好几天，吃水要去几里外拉。",
                    "停水的事还是没解决，这个月又停了五天，老人孩子吃水都困难。"], (30, 52), "phone"),
    ("胙城乡东街村", ["我家的危房改造补助申请了两年，房子漏雨墙都裂了，补助一直批不下来。",
                  "危房改造的补助到现在还没批，房子快塌了，雨天一家人不敢住。"], (33, 133), "phone"),
    ("榆林乡南榆林村", ["村里的小学撤并了，孩子要去十几里外的镇上上学，没有校车，天天接送太难。",
                    "小学撤了以后孩子上学太远，校车的事一直没人管，冬天天不亮就得出门。"], (40, 75), "id"),
    ("丰庄镇丰庄村", ["村旁的砖厂晚上偷偷生产，烟囱冒黑烟，粉尘落得满院都是，咳嗽的人越来越多。",
                  "砖厂夜里照样冒黑烟，粉尘污染严重，上回反映后停了两天又开了。"], (45, 100), "phone"),
    ("塔铺街道王庄村", ["拆迁安置房说好两年交房，现在四年了还没建好，我们一家一直在外面租房子住。",
                    "安置房到现在也没交付，过渡费也停了，租房的钱都快付不起了。",
                    "拆迁四年多安置房还没盖好，过渡费停发，请领导给个说法。"], (50, 110, 170), "name"),
    ("潭龙街道小潭村", ["我在镇卫生院看病被误诊，耽误了治疗，医院不承认，要求赔偿医疗费。",
                    "卫生院误诊耽误治疗的事，医院一直推脱，医疗费赔偿一分没给。"], (55, 140), "phone"),
    ("文岩街道城北社区", ["小区物业收了停车费又乱涨物业费，电梯坏了一个月不修，业主找物业没人理。",
                     "物业费乱涨的事没解决，电梯又坏了，物业还是不管。"], (60, 90), "phone"),
    ("东屯镇后屯村", ["我家养的羊被村里扑杀说是防疫，补偿款一直没发，一共十二只羊。",
                  "防疫扑杀我家十二只羊的补偿款还没给，乡里说等文件，等了半年。"], (65, 190), "id"),
]

# --- bursts: different people, one village, one matter, within days ----------------------
BURSTS = [
    ("王楼镇张庄村", [
        "村里的土地流转租金三年没发了，合作社老板说亏本不给钱，全村人都在等。",
        "我家流转出去的六亩地，租金已经三年没给了，合作社一直拖欠。",
        "合作社流转我们村的地，租金欠了三年，每亩八百块一分没见。",
        "土地流转费拖欠三年，合作社老板跑了，村里也不管，我们的租金找谁要？",
        "反映合作社拖欠土地流转租金的问题，我家十亩地三年租金没拿到。",
        "张庄村土地流转租金被合作社拖欠三年，请政府帮我们要回租金。",
        "合作社欠我们的地租三年了，老板说没钱，流转合同白签了。"]),
    ("僧固乡大庄村", [
        "村里的机井坏了半年没人修，麦子浇不上水，眼看要减产。",
        "我们村的灌溉机井坏了半年，村干部说没钱修，地里的麦子都旱了。",
        "机井坏了浇不了地，找村里好几次没人管，麦子快旱死了。",
        "大庄村灌溉用的机井半年没修好，几百亩麦田浇不上水。",
        "浇地的机井坏了没人修，我家五亩麦子旱得发黄。",
        "村里的机井一直没修，春灌误了，请帮忙修机井。"]),
    ("胙城乡西街村", [
        "村里把集体的坑塘承包给村主任亲戚，承包费很低也不公开，村民有意见。",
        "集体坑塘被村干部亲戚低价承包，账目不公开，要求查一查。",
        "村集体坑塘承包给村主任的亲戚，一年才几百块，明显是暗箱操作。",
        "坑塘承包的事不公开不透明，村主任把它给了自家亲戚，请求公开承包合同。",
        "西街村集体坑塘低价包给村干部亲戚，集体收入流失，要求重新公开招标。",
        "反映村主任把村集体坑塘私下承包给亲戚的问题。"]),
    ("马庄乡东马庄村", [
        "村口新开的化工厂排出刺鼻气味，晚上熏得人头疼睡不着觉。",
        "化工厂夜里排废气，气味刺鼻，村里好几个老人孩子咳嗽头晕。",
        "村口那个化工厂天天排臭气，熏得头疼，要求环保部门来查。",
        "东马庄村口化工厂废气熏人，晚上门窗关紧了还是有味。",
        "我们村旁化工厂偷排废气，刺鼻难闻，已经影响身体健康。",
        "化工厂的废气太呛人了，村里人晚上都睡不着，请来查一下化工厂。"]),
    ("文岩街道南关社区", [
        "南关社区老旧小区改造把我们的自行车棚拆了，说好重建到现在没动静。",
        "小区改造拆了车棚一直不建，电动车没地方放只能在楼道充电，很危险。",
        "老旧小区改造拆掉的车棚说好三个月重建，半年了还没建。",
        "车棚拆了不建，电动车只能放楼道，物业和社区互相推，请求尽快重建车棚。",
        "反映南关社区改造工程拆除自行车棚后不重建的问题。",
        "小区车棚被拆后迟迟不重建，居民电动车无处停放充电。"]),
    ("丰庄镇小屯村", [
        "村里的高标准农田项目把田间路修到一半停工了，沟挖开了没人填，耽误种地。",
        "高标准农田施工挖的沟不回填，路修了一半就停了，拖拉机进不了地。",
        "农田改造工程停工好几个月，田里的沟没填，种地都成问题。",
        "高标准农田项目烂尾，田间道路修一半，沟渠敞着，农机下不了地。",
        "小屯村高标准农田工程停工，挖开的沟没人管，麦子都种不上。",
        "农田项目施工队走了，沟没填路没修完，请求督促施工队回来完工。"]),
]
BURST_DAYS = (0, 0.5, 1, 2, 3, 4, 5.5)
BURST_START = (12, 35, 58, 84, 123, 160)

# --- joint letters --------------------------------------------------------------------------
JOINT = [
    (18, "我们司寨乡后街村王树林、李新民等32户村民联名反映：村里的扶贫资金被挪用修了村委会办公楼，要求公开账目。"),
    (47, "魏邱乡前河村五十六名村民联名签字，要求退还多收的土地承包费。"),
    (98, "我们榆林乡北榆林村全体村民联名反映，村里的垃圾填埋场离水源地太近，井水发臭。"),
    (176, "王楼镇前楼村张保国等18户反映：村里的桥被大车压断半年，孩子上学要绕五里路。"),
]

# --- look-alikes ----------------------------------------------------------------------------
FIVE_MATTERS = [  # one township, one village, five different matters, within three days
    ("石婆固镇南街村", ["村里的路灯坏了一年多没人修，晚上走路黑灯瞎火。", "我家孩子在镇中学被同学打伤，学校不处理。",
                   "我的新农合报销材料交了三个月还没报下来。", "邻居家的狗经常咬人，说了不听。",
                   "我买的化肥是假的，麦子不出苗，经销商不认账。"]),
    ("僧固乡大庄村", ["我家的残疾人补贴停发了半年，不知道什么原因。", "村里的广场被人占了堆放建筑垃圾。",
                  "镇上的集市占道经营，救护车都进不来。", "我的养老保险缴费记录少了两年。",
                  "村医诊所乱收费，一瓶吊瓶收八十。"]),
    ("胙城乡东街村", ["我在镇上开的小饭馆被执法队没收了桌椅。", "村里的学校食堂饭菜不卫生，孩子吃了拉肚子。",
                  "我家的耕地被村里调给别人了，没跟我商量。", "电力公司装的电表走字太快，电费翻了一倍。",
                  "村干部的儿子开车撞了我家的墙，不赔偿。"]),
    ("塔铺街道王庄村", ["拆迁的时候我家的果树没算补偿。", "街道办的工作人员办事态度恶劣，骂人。",
                    "村里的垃圾一个月没人清运，堆成了山。", "我的户口迁移手续办了半年还没办好。",
                    "楼上邻居装修天天晚上施工，噪音太大。"]),
]
FIVE_START = (22, 64, 105, 145)

SAME_MATTER_TOWNSHIPS = [  # one matter told in five townships by five people, within days
    ("村里的小学没有暖气，冬天教室冷得孩子手都冻裂了，写不了字。",
     ["东屯镇后屯村", "王楼镇李庄村", "僧固乡杨庄村", "榆林乡南榆林村", "马庄乡西马庄村"]),
    ("我家的粮食直补款今年没发到卡上，村里说名单报漏了。",
     ["石婆固镇北街村", "司寨乡前街村", "胙城乡西街村", "丰庄镇丰庄村", "魏邱乡后河村"]),
    ("村里的有线电视信号停了两个月，交了费看不了，广电站不来修。",
     ["塔铺街道王庄村", "潭龙街道小潭村", "东屯镇前屯村", "王楼镇张庄村", "僧固乡大庄村"]),
    ("村里的公交车停运了，老人去县城看病只能打黑车。",
     ["胙城乡东街村", "榆林乡北榆林村", "魏邱乡前河村", "司寨乡后街村", "马庄乡东马庄村"]),
]
SAME_MATTER_START = (8, 52, 114, 180)

NEW_MATTER = [  # the same person, a second matter months later
    ("东屯镇前屯村", "我家的地被邻居多占了两垄，找村里调解不管用。", "我儿子在外打工受了工伤，工厂不给赔偿。"),
    ("王楼镇李庄村", "村里的低保评选不公平，有车有房的都评上了。", "我家门口的下水道堵了，污水流到院子里。"),
    ("石婆固镇北街村", "我的驾驶证被交警扣了，说我闯红灯，但我没有。", "我家老人的高龄补贴一直没发。"),
    ("僧固乡杨庄村", "村里修路把我家的树砍了，没给补偿。", "我女儿在县医院生孩子，医院多收了三千块钱。"),
    ("魏邱乡后河村", "我种的大棚蔬菜被洪水淹了，保险公司不理赔。", "村里的小卖部卖过期食品。"),
    ("司寨乡前街村", "我在乡里办营业执照跑了五趟还没办下来。", "村口的变压器一下雨就跳闸，家里经常停电。"),
    ("马庄乡西马庄村", "我家的房子被划进拆迁范围，补偿标准太低。", "我孙子上幼儿园收费太高，还乱收资料费。"),
    ("胙城乡东街村", "我的退伍军人优抚金少发了两年。", "村里的垃圾站就建在我家门口，天天臭。"),
    ("榆林乡南榆林村", "我在县城买的房子开发商迟迟不给办房产证。", "村里的健身器材坏了没人修，伤了老人。"),
    ("丰庄镇丰庄村", "我的医保卡被别人冒用了，钱被刷走了。", "我家的麦子被收割机压坏了，机手不赔。"),
    ("塔铺街道王庄村", "我在街道的公益岗位工资三个月没发。", "楼下饭店油烟直排，熏得我家没法开窗。"),
    ("潭龙街道小潭村", "我家的宅基地证办了两年还没下来。", "村里的水塘淹死了人，没有护栏也没有警示牌。"),
]

NEW_MATTER_NEAR = [  # the same person, a second matter close in words to the first (hard look-alikes)
    ("王楼镇前楼村", "我家承包地被征用修路，补偿款只给了一半。", "我家的宅基地被邻居占了一米，村里不给调解。"),
    ("东屯镇后屯村", "村里的低保评得不公平，我家困难却没评上。", "我家的危房改造补助申请了一年一直没批下来。"),
    ("僧固乡杨庄村", "包工头拖欠我三个月工资一万二，一直不给。", "我在工地干活摔断了腿，包工头不给医药费。"),
    ("魏邱乡后河村", "村里的水泥路坏了一年没人修，下雨全是泥。", "村里的路灯坏了一年没人修，晚上看不见路。"),
]

NEAR_GROUP = [  # three neighbours on one matter: too few for a group
    ("魏邱乡前河村", 30, ["村里的自来水管道漏水一个多月没人修，路上全是水。",
                      "自来水管道破裂漏水，村里路面都泡坏了，没人来修水管。",
                      "前河村水管漏水好久了，浪费水还把路泡坏了，请派人修。"]),
    ("榆林乡南榆林村", 135, ["村里的文化广场被村干部改成了停车场收费。",
                        "文化广场变成收费停车场，村民没地方跳舞健身了。",
                        "村干部把广场改停车场收钱，钱去哪了不公开。"]),
]

MENTIONS_VILLAGE = [  # the whole village is angry, but one person writes: not a joint letter
    (77, "丰庄镇小屯村", "村里的戏台被拆了，全体村民都很气愤，我想问问为什么拆。"),
    (155, "石婆固镇南街村", "南街村的排水沟堵了，大家都受影响，我代表自己反映一下。"),
]

BACKGROUND = [  # unrelated petitions across the county and the year
    "我在超市买到过期牛奶，超市不给退。", "县医院挂号太难，网上一个号都抢不到。", "我的公积金提取一直审核不通过。",
    "出租车司机绕路多收钱，投诉没有回音。", "我家的狗被人毒死了，报警没人管。", "驾校收了钱不安排练车。",
    "我的社保卡丢了补办要等三个月。", "小区门口的红绿灯时间太短，老人过不去马路。", "银行乱收年费，没有告知。",
    "县城的公共厕所太少，还经常锁门。", "我在网上买的家电坏了，售后不给修。", "房东不退押金，还扣了我的钱。",
    "学校让家长买指定的校服，价格太贵。", "我的快递被人冒领了，快递公司不赔。", "县城夜市烧烤油烟扰民。",
    "我参加的技能培训说包就业，结果没有安排。", "我家孩子的学籍被弄错了，中考报不了名。", "燃气公司上门推销报警器强制收费。",
    "我的车被拖走了，停车场收费太高。", "县图书馆开放时间太短，下班后进不去。", "我在健身房办的卡，健身房跑路了。",
    "镇上的邮政所经常不开门，取不了养老金。", "我投诉的噪音扰民问题，派出所不出警。", "我家的热水器安装后漏水，商家不管。",
    "县城的广场舞音响太吵，晚上十点还在放。", "我的残疾证年审被拒，不知道原因。", "出租房里的电线老化，房东不修。",
    "县里的招聘考试成绩公布有问题。", "我家孩子在托管班被老师打了。", "我在药店买的药是假药。",
    "小区的绿地被人开荒种菜。", "县城的下水井盖丢了，晚上有人掉进去。", "我的个税退税一直没到账。",
    "我在装修公司签的合同被骗了定金。", "县城的共享单车乱停乱放堵路。", "医院的病历复印收费太贵。",
    "我的婚姻登记信息被登错了名字。", "县城的菜市场缺斤短两。", "我在培训机构交的学费退不了。",
    "我家门口的电线杆歪了，随时会倒。", "我的手机号被别人实名注册了。", "县城的公园晚上没有路灯。",
    "我的养老金今年没有涨。", "县城的出租车拒载。", "我在二手车市场买的车是事故车。",
    "我的不动产登记预约不上。", "小区的消防通道被车堵死了。", "我家的孩子被网络游戏骗了充值。",
    "县里的体育馆不对外开放。", "我的营业执照被注销了却没通知我。", "县医院的护工收费太乱。",
    "我在银行存的钱被换成了保险。", "县城的充电桩大部分是坏的。", "我家老人被保健品推销骗了两万块。",
    "小区的地下室被物业出租了。", "我在驾校的科目二考试被刁难。", "县城的路边停车收费没有票据。",
    "我的医保异地备案办不下来。", "县城的学校周边有网吧。", "我家的宠物在宠物医院被治死了。",
]


BACKGROUND_PLACES = ["东屯镇前屯村", "王楼镇李庄村", "石婆固镇北街村", "僧固乡杨庄村", "魏邱乡后河村", "司寨乡前街村",
                     "马庄乡西马庄村", "胙城乡东街村", "榆林乡南榆林村", "丰庄镇丰庄村", "塔铺街道王庄村", "潭龙街道小潭村",
                     "文岩街道城北社区"]


def _text(n: int, place: str, fact: str, named: bool = True, extra: str = "") -> str:
    name, _ = person(n)
    opener = OPENERS[n % len(OPENERS)] if named else "{place}，{fact}"
    return opener.format(name=name, place=place, fact=fact) + extra


def _id_number(n: int) -> str:
    """A valid-checksum 身份证号 for petitioner n (invented: 410726 is the county's area code)."""
    body = f"410726{1950 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def build() -> list[Petition]:
    """The whole set, in time order."""
    out: list[Petition] = []
    n = 0
    for c, (place, tellings, days, via) in enumerate(CHAINS):
        n += 1
        _, phone = person(n)
        for i, (fact, day) in enumerate(zip(tellings, days)):
            extra = f"身份证号{_id_number(n)}。" if via == "id" else ""
            # later tellings: 'name' from another phone (name and village known), 'id' from another
            # phone without a name (only the ID number ties them), 'phone' from the same phone
            other_phone = f"+86136{n:04d}{i:04d}"
            this_phone = phone if i == 0 or via == "phone" else other_phone
            text = _text(n, place, fact, named=not (via == "id" and i > 0), extra=extra)
            out.append(Petition(f"chain{c}-{i}", day, this_phone, text, chain=f"chain{c}"))
    for g, ((place, facts), start) in enumerate(zip(BURSTS, BURST_START)):
        size = 7 if g == 0 else 6
        for i in range(size):
            n += 1
            _, phone = person(n)
            out.append(Petition(f"burst{g}-{i}", start + BURST_DAYS[i], phone,
                                _text(n, place, facts[i], named=i % 3 != 2), group=f"burst{g}"))
    for j, (day, text) in enumerate(JOINT):
        n += 1
        out.append(Petition(f"joint{j}", day, person(n)[1], text, group=f"joint{j}"))
    for s, ((place, facts), start) in enumerate(zip(FIVE_MATTERS, FIVE_START)):
        for i, fact in enumerate(facts):
            n += 1
            out.append(Petition(f"five{s}-{i}", start + i * 0.6, person(n)[1], _text(n, place, fact)))
    for s, ((fact, places), start) in enumerate(zip(SAME_MATTER_TOWNSHIPS, SAME_MATTER_START)):
        for i, place in enumerate(places):
            n += 1
            out.append(Petition(f"towns{s}-{i}", start + i, person(n)[1], _text(n, place, fact)))
    for s, (place, first, second) in enumerate(NEW_MATTER):
        n += 1
        phone = person(n)[1]
        out.append(Petition(f"new{s}-0", 5 + s * 9, phone, _text(n, place, first)))
        out.append(Petition(f"new{s}-1", 5 + s * 9 + 60, phone, _text(n, place, second)))
    for s, (place, first, second) in enumerate(NEW_MATTER_NEAR):
        n += 1
        phone = person(n)[1]
        out.append(Petition(f"newnear{s}-0", 12 + s * 41, phone, _text(n, place, first)))
        out.append(Petition(f"newnear{s}-1", 12 + s * 41 + 45, phone, _text(n, place, second)))
    for s, (place, start, facts) in enumerate(NEAR_GROUP):
        for i, fact in enumerate(facts):
            n += 1
            out.append(Petition(f"near{s}-{i}", start + i, person(n)[1], _text(n, place, fact)))
    for s, (day, place, fact) in enumerate(MENTIONS_VILLAGE):
        n += 1
        out.append(Petition(f"mention{s}", day, person(n)[1], _text(n, place, fact)))
    for s, fact in enumerate(BACKGROUND):
        n += 1
        out.append(Petition(f"bg{s}", (s * 3.3) % 200, person(n)[1], _text(n, BACKGROUND_PLACES[s % 13], fact, named=s % 2 == 0)))
    return sorted(out, key=lambda p: (p.day, p.key))


# --- running the set through the domain, and scoring it -------------------------------------

START = (2026, 1, 5, 1, 0)  # naive UTC, 09:00 in the county


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    predicted: int
    truth: int

    def row(self, name: str) -> str:
        return f"| {name} | {self.truth} | {self.predicted} | {self.precision:.3f} | {self.recall:.3f} |"


def load(petitions: list[Petition]) -> dict[str, int]:
    """Each petition through the path an SMS takes (open, details, classify with repeat and
    group detection) at its own time, committed one by one. Returns key -> case id."""
    from datetime import datetime, timedelta

    from cases import services
    from cases.classification import classify
    from conversation.citizen import fill_details
    from models import Contact, Message, MessageState
    from models.db import db

    contacts: dict[str, Contact] = {}
    ids: dict[str, int] = {}
    for p in petitions:
        contact = contacts.get(p.phone) or Contact(channel="sms", address=p.phone)
        contacts[p.phone] = contact
        message = Message(direction="in", channel="sms", address=p.phone, body=p.text, contact=contact,
                          state=MessageState.PROCESSED)
        db.session.add(message)
        db.session.flush()
        case = services.open_case(contact, message, now=datetime(*START) + timedelta(days=p.day))
        fill_details(case, p.text)
        classify(case)
        db.session.commit()
        ids[p.key] = case.id
    return ids


def score(petitions: list[Petition], ids: dict[str, int]) -> tuple[Score, Score, int]:
    """Repeat and group detection against the truth, and the number of groups formed."""
    from models import Case
    from models.db import db

    truth = {ids[p.key]: p for p in petitions}
    cases = {cid: db.session.get(Case, cid) for cid in truth}
    return _repeats(truth, cases), _groups(truth, cases), len({c.group_id for c in cases.values() if c.group_id})


def _repeats(truth: dict, cases: dict) -> Score:
    firsts = {}
    for cid in sorted(truth, key=lambda i: (cases[i].received_at, i)):
        if truth[cid].chain:
            firsts.setdefault(truth[cid].chain, cid)
    real = {cid for cid, p in truth.items() if p.chain and firsts[p.chain] != cid}
    found = {cid for cid, c in cases.items() if c.repeat_of_id is not None}
    right = {cid for cid in found & real if truth[cases[cid].repeat_of_id].chain == truth[cid].chain}
    return _score(len(right), len(found), len(real))


def _groups(truth: dict, cases: dict) -> Score:
    """A grouped case is right when its group's cases are, in majority, of its true group."""
    from collections import Counter

    members: dict[int, list[int]] = {}
    for cid, c in cases.items():
        if c.group_id:
            members.setdefault(c.group_id, []).append(cid)
    label = {gid: Counter(truth[m].group for m in ids).most_common(1)[0][0] for gid, ids in members.items()}
    real = {cid for cid, p in truth.items() if p.group}
    found = {cid for cid, c in cases.items() if c.group_id}
    right = {cid for cid in found if truth[cid].group and truth[cid].group == label[cases[cid].group_id]}
    return _score(len(right), len(found), len(real))


def _score(right: int, found: int, real: int) -> Score:
    return Score(right / found if found else 1.0, right / real if real else 1.0, found, real)
