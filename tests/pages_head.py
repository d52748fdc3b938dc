"""Original article texts and page builders for the head/tail extraction tests (issue #8, items 1–3).

Every text here was written for this suite: short news stories about invented places and people, each on its own
topic, because one `linkbrief summarize` run deduplicates pages whose bodies are (nearly) the same. The pages put
furniture where real sites put it, inside the article container, as plain <p>/<div>/<span> elements, so that the
extractors keep it and only linkbrief's own rules can take it out again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

GLACIER_TITLE = "Students measure how fast the Harrow glacier is shrinking"
GLACIER = [
    "A team of geography students from the university of Tarnfeld has spent the summer measuring the Harrow "
    "glacier with drones and stakes driven into the ice, and found that its tongue has retreated by 41 metres "
    "since the same survey last year.",
    "The glacier feeds the river that supplies drinking water to three valley towns. Its retreat has sped up "
    "over the past decade, and the students found the ice near its lower edge was now less than twenty metres "
    "thick in places.",
    "“We climb up every second week, and every time the path to the ice is a little longer,” said Ines Varga, "
    "a doctoral student who leads the fieldwork. She said the team had lost four of its measuring stakes when "
    "the ice around them melted away completely.",
    "The regional water company has asked for the data to plan for drier summers. It expects the glacier to "
    "supply much less water in August within twenty years and is studying whether a small reservoir could "
    "store spring meltwater for later in the season.",
    "The students will publish their measurements online in the autumn, together with photographs taken from "
    "the same spots since the survey began. Their professor said the pictures had done more to convince "
    "visitors than any of the numbers.",
]

LUNCH_TITLE = "Every primary school in Osterby will cook its own lunches from next year"
LUNCH = [
    "The town of Osterby will stop buying school lunches from a catering firm and cook them in its own "
    "primary school kitchens from next September, the education committee decided on Wednesday after a year "
    "of complaints from parents about cold and bland meals.",
    "Nine of the town's eleven primary schools still have kitchens that were closed when the catering "
    "contract began fifteen years ago. They will be repaired over the summer at a cost of about 1.3 million "
    "euros, paid from the council's building budget.",
    "The council will hire twenty-four cooks and kitchen assistants. Two schools without kitchens will get "
    "their meals from a neighbouring school, carried over in heated boxes, until a new building is finished "
    "in two years.",
    "Parents who campaigned for the change welcomed the vote. “Children eat what smells good, and food that "
    "has travelled forty kilometres in a van does not,” said Helga Brandt, who collected more than two "
    "thousand signatures for a petition last spring.",
    "The price of a lunch will stay at three euros. The committee said fresh cooking would cost slightly more "
    "per meal, but it expects to save money on waste, since schools now throw away almost a quarter of the "
    "food they receive.",
]

CYCLE_TITLE = "Protected cycle lanes cut crashes on Venner Road by half, city says"
CYCLE = [
    "Crashes involving cyclists on Venner Road have fallen by half since the city separated its cycle lanes "
    "from traffic with low concrete kerbs two years ago, according to figures the transport department "
    "presented to councillors on Monday.",
    "The road, a busy link between the railway station and the university, saw 58 crashes involving bicycles "
    "in the two years before the work and 27 in the two years after it. The number of people cycling on it "
    "rose by a third over the same time.",
    "Shopkeepers had opposed the scheme because it removed forty parking spaces. The department said the "
    "number of empty shops on the road had not changed, and a survey found that most customers arrived on "
    "foot, by bus or by bicycle.",
    "The city now plans to build similar lanes on four more roads. The first, along the canal towpath to the "
    "hospital, is due to open next spring, and the others will follow as money from a national cycling fund "
    "becomes available.",
    "Motoring groups asked the city to study whether the kerbs had slowed down buses and delivery vans. The "
    "department said bus journey times had not changed and promised to publish the data on its website.",
]

CHESS_TITLE = "Fourteen-year-old wins the open chess championship at the first attempt"
CHESS = [
    "A fourteen-year-old schoolgirl from Melby has won the national open chess championship at her first "
    "attempt, beating three grandmasters on the way and finishing half a point ahead of the defending "
    "champion after nine rounds in the town hall of Rosendal.",
    "Mira Solberg, who learned the game from her grandfather four years ago, drew her last game in under "
    "an hour on Sunday, knowing that a draw was enough. She said she had been too nervous to eat breakfast "
    "and celebrated with a large plate of pancakes.",
    "Her coach said she trains about three hours a day after school, mostly by studying endgames and "
    "replaying old games by hand rather than with a computer. She also plays online at night, sometimes "
    "against opponents on the other side of the world.",
    "The victory earns her a place in the national team for the European championship in the autumn. The "
    "chess federation said she was the youngest player ever to win the open title, by almost two years.",
    "Organisers said 212 players took part this year, the highest number since the tournament began, and "
    "that a third of them were under eighteen. They credited a boom in school chess clubs since the "
    "pandemic.",
]

DIG_TITLE = "Builders find a medieval well under the old post office car park"
DIG = [
    "Workers digging the foundations of a new housing block in the centre of Kalvik have found a stone well "
    "that archaeologists believe is more than seven hundred years old, under what was until last month the "
    "car park of the old post office.",
    "The well is about eight metres deep and lined with carefully cut stones. Inside it the archaeologists "
    "found leather shoes, pieces of pottery and a wooden bucket, preserved by the wet mud at the bottom for "
    "centuries.",
    "“Wells were the rubbish bins of the Middle Ages once they ran dry, which is lucky for us,” said Erik "
    "Dahl, the city archaeologist. He said the objects would tell his team what people in the town ate and "
    "wore around the year 1300.",
    "The developer has agreed to pause work on that corner of the site for six weeks while the well is "
    "recorded and emptied. The stones will then be taken apart, numbered and rebuilt in the courtyard of the "
    "town museum.",
    "The museum plans to show the finds in an exhibition next summer. Residents will be able to visit the "
    "excavation on two open days later this month, the city said, as long as they book a place in advance.",
]

HIGHWAY_TITLE = "Tolls on the coastal highway will rise by a fifth in January"
HIGHWAY = [
    "Drivers on the coastal highway between Port Amsel and Grevlund will pay about a fifth more in tolls "
    "from January, the company that runs the road said on Thursday, blaming the rising cost of repairing its "
    "two long tunnels.",
    "A car journey along the whole road will cost 14.40 euros instead of 12 euros. Lorries will pay 38 euros, "
    "up from 31 euros. Drivers who use an electronic tag will keep their discount of fifteen percent.",
    "The operator said the tunnels needed new ventilation fans and lighting to meet safety rules that come "
    "into force in three years. The work will close each tunnel at night for several months, with traffic "
    "sent over the old mountain pass.",
    "Hauliers said the rise would be passed on to shops and supermarkets in the coastal towns, which receive "
    "almost all their goods by road. Their association asked the transport ministry to block the increase.",
    "The ministry has thirty days to object. A spokesman said it would examine whether the repairs justified "
    "a rise of that size, but noted that the operator's contract allows it to recover the cost of work "
    "required by law.",
]

PRAIA_TITLE = "Vila de Algarvia recupera a praia fluvial depois de três anos fechada"
PRAIA = [
    "A praia fluvial da vila de Algarvia volta a abrir no próximo sábado, depois de três anos fechada por "
    "causa da má qualidade da água do rio, que recebia os esgotos de uma fábrica de conservas entretanto "
    "encerrada.",
    "A câmara municipal gastou cerca de 800 mil euros na limpeza do leito do rio, na construção de um novo "
    "cais de madeira e na recuperação do parque de merendas, que estava abandonado desde o encerramento da "
    "praia.",
    "As análises feitas durante o mês de junho mostraram que a água cumpre todos os limites para banhos. A "
    "câmara promete repetir as análises todas as semanas durante o verão e publicar os resultados no seu sítio "
    "na internet.",
    "Os comerciantes da vila esperam que a reabertura traga de volta os visitantes que enchiam os cafés e os "
    "restaurantes ao fim de semana. “Nos anos bons, o verão pagava o resto do ano”, disse o dono de uma "
    "pastelaria junto à ponte.",
    "A praia terá nadadores-salvadores das dez da manhã às sete da tarde até ao fim de setembro. O acesso é "
    "gratuito, mas o estacionamento junto ao rio passa a ser pago aos sábados e domingos.",
]

ROBBERY_TITLE = "Police arrest ten after armoured van robbery on the ring road"
ROBBERY_KICKER = "Ring road raid"
ROBBERY = [
    "Police in Holmstad have arrested ten people in connection with the robbery of an armoured cash van on "
    "the city's ring road last week, in which the robbers escaped with about two million euros after blocking "
    "the road with a burning lorry.",
    "The suspects, eight men and two women aged between 19 and 47, were detained in raids on eleven addresses "
    "in the city and two nearby villages early on Tuesday. Officers found weapons, cash and a car that had "
    "been seen near the scene.",
    "The two guards in the van were not seriously hurt, but one of them was treated in hospital for shock. "
    "Drivers who were stuck behind the burning lorry described seeing masked men carry bags across the road "
    "to a waiting car.",
    "The head of the city's criminal police, Lars Ekdahl, said the investigation was not over and that more "
    "arrests were possible. Most of the money has not been found, and officers asked anyone who was offered "
    "large amounts of cash to contact them.",
    "The robbery was the third attack on a cash van in the region this year. The company that runs the vans "
    "said it would fit them with dye packs that stain the banknotes if a cash box is forced open.",
]

FACTORY_TITLE = "Carmaker to build its small electric van at the Dornau plant"
FACTORY = [
    "A carmaker will build its new small electric van at its plant in Dornau from the end of next year, "
    "securing about 2,400 jobs at a factory that had been expected to lose most of its work when production "
    "of its last petrol model ends.",
    "The company said it would invest 540 million euros in the plant, mostly in a new line for battery packs "
    "and in robots for the body shop. About six hundred workers will be retrained during the conversion, "
    "which will stop production for four months.",
    "The union at the plant said it had agreed to more flexible shifts in return for a promise that there "
    "would be no forced job cuts until at least 2031. Its members will vote on the deal in a ballot next "
    "week.",
    "The van, which has a range of about 300 kilometres, is aimed at delivery firms and tradespeople in "
    "cities that are closing their centres to diesel vehicles. The company expects to build about 90,000 of "
    "them a year when the line runs at full speed.",
    "The regional government welcomed the decision and said it would help pay for the training programme. "
    "It had competed with a plant abroad for the model, where labour costs are lower but where the company "
    "would have had to build a new factory hall.",
]

STRIKE_TITLE = "Dock workers in Farholm begin a three-day strike over night shifts"
STRIKE = [
    "Dock workers at the port of Farholm walked out on Wednesday morning at the start of a three-day strike "
    "over plans to extend night shifts, leaving more than twenty cargo ships waiting at anchor outside the "
    "harbour.",
    "The workers' union says the port company wants crane operators to work up to five night shifts a week "
    "instead of three, without extra pay. The company says it needs more night work to handle the larger "
    "ships that now call at the port.",
    "Pickets gathered at the main gate from six o'clock, and lorries that had come to collect containers were "
    "turned back. A ferry terminal in the same harbour was not affected and its boats sailed as normal.",
    "Shipping agents said the strike would delay deliveries of car parts and fruit, which make up much of the "
    "port's traffic. Some ships may sail on to other ports to unload, which would add several days to their "
    "journeys.",
    "Talks between the two sides broke down on Monday after eight hours. Both said they were ready to meet "
    "again, and a government mediator offered to chair a new round of talks as early as Thursday.",
]

BEES_TITLE = "Schools put beehives on their roofs to teach pupils about pollination"
BEES = [
    "Six secondary schools in Lindholm have put beehives on their flat roofs this spring, as part of a "
    "project that teaches pupils how bees live and why they matter for the fruit and vegetables that farms "
    "around the city grow.",
    "Each school has two hives, looked after by a group of pupils and a volunteer beekeeper from the local "
    "association. The pupils check the hives once a week in protective suits and record what they see in a "
    "shared online notebook.",
    "The first honey was harvested in July. One school sold its jars at a summer fair and raised enough money "
    "to buy a third hive, while another gave its honey to a food bank in the neighbourhood.",
    "Some parents worried at first that children would be stung. The organisers said the hives were placed "
    "where pupils do not normally go, and that there had been only two stings all summer, both of them on "
    "adults.",
    "The city's environment department, which paid for the hives, wants to add ten more schools next year. "
    "It is also planting wild flowers on school grounds so that the bees have enough to feed on close to "
    "their hives.",
]

BOOKSHOP_TITLE = "The last bookshop on Mill Street doubles in size instead of closing"
BOOKSHOP = [
    "The only bookshop left on Mill Street in Ravensby is doubling in size this autumn, two years after its "
    "owners told customers it would probably have to close because online sellers had taken away most of its "
    "trade.",
    "Anja and Peter Holm have taken over the empty shop next door, a former bank branch, and will use it for "
    "a children's section, a small café and a room for readings. They say sales have risen every month since "
    "the start of last year.",
    "The couple credit a change in how they run the shop. They now organise two events a week, from book "
    "clubs to talks by local authors, and deliver orders by bicycle to anywhere in town on the same day.",
    "“People told us they wanted a bookshop, but wanting one is not the same as buying in one,” Anja Holm "
    "said. “What changed is that they started coming for the evenings and leaving with books.”",
    "The shop will close for a week in October while a wall between the two buildings is opened up. The "
    "owners expect to hire two more booksellers, both of them students who have worked there on Saturdays.",
]

TELESCOPE_TITLE = "Amateur astronomers restore a century-old telescope on Kettle Hill"
TELESCOPE = [
    "A group of amateur astronomers has restored the century-old telescope in the observatory on Kettle "
    "Hill, which had stood unused for almost forty years after the university moved its research to a "
    "mountain site abroad.",
    "The volunteers spent three winters cleaning and repairing the brass instrument, whose main lens is 32 "
    "centimetres wide. A retired engineer rebuilt the clockwork that turns the telescope to follow the stars "
    "across the sky.",
    "The dome was the hardest part. Its motor had burned out and its shutter was rusted shut, so the group "
    "raised money from local firms to replace both, and a roofing company fixed the leaks in the copper "
    "covering for free.",
    "The observatory will open to the public on clear Friday evenings from next month. Visitors will be able "
    "to look at the moon, the planets and bright star clusters, guided by members of the astronomy club.",
    "The university, which still owns the building, has agreed to lend it to the club for twenty years. Its "
    "physics department also plans to bring first-year students to the hill for practical classes.",
]

EBIKE_TITLE = "We rode six cargo bikes for a month: here is what families should know"
EBIKE = [
    "Cargo bikes have become a common sight outside nurseries and supermarkets, and their prices have fallen "
    "as more makers enter the market. We rode six models for a month on school runs, shopping trips and "
    "weekend outings to find out which are worth the money.",
    "The biggest difference between them is not the motor but the frame. Long-tail bikes, which carry "
    "children behind the rider, are easier to park and feel like normal bicycles, while box bikes carry more "
    "but need practice on tight corners.",
    "All six motors were strong enough for the steep hill on our test route with two children and a week of "
    "shopping on board. Battery range varied more: the best bike managed 70 kilometres on one charge, the "
    "weakest barely half that.",
    "Brakes matter more than anything on a loaded bike. Four of the models have hydraulic disc brakes that "
    "stopped them quickly in the wet, while the two cheapest use cable brakes that needed much more force "
    "from the rider.",
    "Families who only ride a few kilometres a day can save money with a simpler model. Those replacing a "
    "car should pay for a bigger battery, a sturdy stand and a rain cover, which several makers sell "
    "separately.",
]

FIRE_TITLE = "Warehouse fire in the river port burns for eleven hours"
FIRE = [
    "A fire that broke out in a timber warehouse in the river port of Selby on Tuesday afternoon burned for "
    "eleven hours before firefighters brought it under control, sending a column of smoke over the city that "
    "could be seen from thirty kilometres away.",
    "More than a hundred firefighters from six towns fought the blaze. They used water pumped from the river "
    "by a fireboat to keep the flames from spreading to a neighbouring fuel depot, which was emptied as a "
    "precaution.",
    "Residents of the streets around the port were told to keep their windows closed overnight. Measurements "
    "taken on Wednesday morning showed that the air was safe again, the city's health office said.",
    "Nobody was hurt. The warehouse belonged to a family firm that imports wood for furniture makers, and its "
    "owner said the stock alone had been worth about four million euros.",
    "The cause of the fire is not yet known. Investigators will begin examining the ruins once the remaining "
    "hot spots have cooled, which the fire service said could take several more days.",
]

FLOOD_TITLE = "New flood gates protect the lower town for the first time"
FLOOD = [
    "The lower town of Brandvik stayed dry on Saturday for the first time in a spring flood, after the river "
    "rose to within half a metre of the record level and the new steel gates across the harbour mouth were "
    "closed for eighteen hours.",
    "The gates, finished in January after four years of work, can be lifted from the riverbed in forty "
    "minutes. They were built after floods in two consecutive springs damaged more than three hundred homes "
    "and most of the shops on the quay.",
    "“Last time we were carrying furniture upstairs at midnight. This time we watched the water from the "
    "bridge,” said Tove Lindqvist, who runs a hardware shop a few metres from the river and lost most of her "
    "stock in the last flood.",
    "Engineers said the gates held back about a metre of water at the peak of the flood. Pumps behind them "
    "removed the rain that fell on the town itself, which would otherwise have collected in the lowest "
    "streets.",
    "The project cost 62 million euros, two thirds of it paid by the national government. Insurers have "
    "said they will review the premiums for homes in the lower town, which rose sharply after the floods.",
]

MUSEUM_TITLE = "Railway museum puts a restored steam engine back on the tracks"
MUSEUM = [
    "The railway museum in Aldenbrook has put a steam engine back on the tracks after a restoration that took "
    "volunteers nine years and cost about 1.1 million euros, most of it raised from small donations by "
    "railway enthusiasts.",
    "The engine was built in 1924 and pulled express trains along the coast until the line was electrified in "
    "the 1960s. It then spent decades in a scrapyard, where it lost its tender, its copper pipes and most of "
    "its fittings.",
    "The volunteers made many of the missing parts themselves, using the original drawings found in a "
    "national archive. A boiler maker in the north of the country built a new firebox, the most expensive "
    "single piece of the job.",
    "The engine will pull heritage trains on the museum's own twelve-kilometre branch line on Sundays from "
    "May to October. Tickets go on sale next week, and the museum expects the first trips to be fully booked.",
    "The museum's director said the next project would be a dining carriage from the same period, which "
    "volunteers found being used as a garden shed. Work on it is due to start as soon as the engine is in "
    "service.",
]

ALLOTMENT_TITLE = "Allotment society gives away a hundred plots to first-time gardeners"
ALLOTMENT = [
    "The allotment society of Brookfield will give a hundred of its plots to people who have never grown "
    "their own vegetables, after a waiting list that once stretched to six years shrank to almost nothing "
    "as older members retired.",
    "New gardeners will pay nothing in their first year and half the usual rent in their second. Each will be "
    "paired with an experienced member who has promised to spend at least one Saturday morning a month with "
    "them on their plot.",
    "The society has drawn up a short list of what beginners will be given when they start:",
    "Its chairwoman, Greta Lund, said most people who give up do so because they take on too much at once. "
    "“A quarter of a plot done well teaches you more than a whole plot full of weeds,” she said.",
    "Applications open on the first of March. The society said it would prefer people who live within walking "
    "distance of the gardens, and it has set aside twenty plots for schools and community groups.",
]
ALLOTMENT_ITEMS = [
    "a set of hand tools and a watering can",
    "seeds for five easy vegetables",
    "a key to the tool shed and the water tap",
    "a place on the spring pruning course",
]

# Linked headline and one teaser sentence each: the cards of a home, tag or search page.
TEASERS = [
    ("Council approves new bus depot near the stadium", "The depot will house forty electric buses and open in 2028."),
    ("Heavy rain floods underpasses in the east of the city", "Two roads were closed for most of the morning."),
    ("Local brewery wins a national award for its dark ale", "The brewery was founded by three friends in a garage."),
    ("Swimming pool reopens after the roof repairs", "Opening hours are longer than before the closure."),
    ("Police look for witnesses after a break-in at the pharmacy", "The thieves took cash but no medicines."),
    ("Hospital opens a new wing for children", "The wing has thirty beds and a garden on its roof."),
    ("Farmers' market moves to the cathedral square", "Traders say the old site had too little shade."),
    ("Ferry fares frozen for another year", "The harbour authority says fuel costs have stabilised."),
    ("University gets funding for a new climate institute", "The institute will employ about sixty researchers."),
    ("Football club signs a striker from the second division", "The club did not say how much it paid."),
    ("City hall clock stops after a lightning strike", "Engineers hope to repair it before the new year."),
    ("Tram line to the airport delayed by another year", "Digging revealed old pipes that were on no map."),
    ("Volunteers clear three tonnes of rubbish from the beach", "Most of it was plastic washed up in storms."),
    ("Theatre announces a season of plays by local writers", "Tickets for the first play are already sold out."),
    ("Street lights switch to LED to save energy", "The council expects to halve its electricity bill."),
    ("New cycle bridge links the two halves of the park", "Walkers and cyclists share a path three metres wide."),
    ("Wildlife group counts a record number of otters", "The animals returned to the river twenty years ago."),
    ("Bakery chain to close four shops in the suburbs", "The company blames rising rents and energy prices."),
    ("School choir invited to sing at the national festival", "The forty pupils have rehearsed since January."),
    ("Fire service warns about dry forests after the heatwave", "Barbecues are banned in all public parks."),
    ("Museum lends its famous tapestry to a gallery abroad", "It is the first time the tapestry leaves the country."),
    ("Residents oppose a plan for a car park on the meadow", "A petition has gathered two thousand signatures."),
    ("Library extends its opening hours during exams", "Students can study there until midnight for a month."),
    ("Marathon route changed to avoid the roadworks", "Runners will now pass the old harbour twice."),
]


@dataclass(frozen=True)
class Page:
    """What a test page says about its article (for the assertions) and its HTML (for the server)."""

    html: str
    title: str
    paragraphs: list[str]


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    site_name: str | None = "The Northern Ledger",
    title_tag: str | None = "{title} | {site}",
    og_title: str | None = "{title}",
    h1: str | None = "{title}",
    header_h1: str | None = None,
    json_ld_headline: str | None = None,
    author: str | None = "Karin Voss",
    copyright_meta: str | None = None,
    extra_meta: str = "",
    lang: str = "en",
    header: str = "",
    head: str = "",
    between: dict[int, str] | None = None,
    tail: str = "",
    after_article: str = "",
    nav: list[str] | None = None,
) -> Page:
    """An article page. `header` stands between the <h1> and the article's body container; `head` stands in
    the body container above the first paragraph, `between[i]` after paragraph i, `tail` after the last one
    (the same container as the text: where extractors keep such lines). Title sources are format strings of
    {title} and {site}; None leaves that source off the page."""
    site = site_name or "The Northern Ledger"

    def fill(template: str | None) -> str | None:
        return None if template is None else template.format(title=title, site=site)

    meta = ['<meta charset="utf-8">']
    if (text := fill(title_tag)) is not None:
        meta.append(f"<title>{escape(text)}</title>")
    if (text := fill(og_title)) is not None:
        meta.append(f'<meta property="og:title" content="{escape(text)}">')
    if site_name is not None:
        meta.append(f'<meta property="og:site_name" content="{escape(site_name)}">')
    if author is not None:
        meta.append(f'<meta name="author" content="{escape(author)}">')
    if copyright_meta is not None:
        meta.append(f'<meta name="copyright" content="{escape(copyright_meta)}">')
    if json_ld_headline is not None:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": fill(json_ld_headline)}
        meta.append(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    meta.append(extra_meta)
    menu = nav or ["Home", "World", "Business", "Science", "Culture", "Sport"]
    links = "".join(f'<li><a href="/{escape(item.lower().replace(" ", "-"))}">{escape(item)}</a></li>' for item in menu)
    logo = f'<h1 class="logo">{header_h1}</h1>' if header_h1 is not None else '<div class="logo">Ledger</div>'
    between = between or {}
    body = "".join(f"<p>{escape(p)}</p>{between.get(i, '')}" for i, p in enumerate(paragraphs))
    heading = f"<h1>{fill(h1)}</h1>" if h1 is not None else ""
    html = (
        f'<!doctype html><html lang="{lang}"><head>{"".join(meta)}</head><body>'
        f"<header>{logo}<nav><ul>{links}</ul></nav></header>"
        f'<main><article>{heading}{header}<div class="article-body">{head}{body}{tail}</div></article>'
        f"{after_article}</main>"
        f'<footer><a href="/contact">Contact</a> <a href="/jobs">Jobs</a> <a href="/privacy">Privacy</a></footer>'
        f"</body></html>"
    )
    return Page(html=html, title=title, paragraphs=paragraphs)


def teaser_cards(cards: list[tuple[str, str]], *, path: str = "/story") -> list[str]:
    """Each card as (link html, teaser html) pieces for a listing page to wrap in its own markup."""
    return [
        f'<h3><a href="{path}/{index}-{escape(headline.lower().replace(" ", "-"))}">{escape(headline)}</a></h3>'
        f"<p>{escape(teaser)}</p>"
        for index, (headline, teaser) in enumerate(cards)
    ]


def listing_page(title: str, intro: str, cards_html: str) -> str:
    """A page whose main content is a list of story cards (home page, section front, tag or search page)."""
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in ["Home", "World", "Business", "Science", "Sport"])
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta property="og:site_name" content="The Northern Ledger"></head><body>'
        f'<header><div class="logo">The Northern Ledger</div><nav><ul>{nav}</ul></nav></header>'
        f"<main><h1>{escape(title)}</h1>{intro}{cards_html}</main>"
        f'<footer><a href="/contact">Contact</a> <a href="/privacy">Privacy</a></footer></body></html>'
    )
