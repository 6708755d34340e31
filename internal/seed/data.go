package seed

// Static demo content: agencies, clients, locations, job categories, names. Everything here is fictional;
// company names, legal entity numbers and addresses do not refer to real entities.

// holidays are the 2026/2027 Japanese public holidays (国民の祝日, incl. substitute holidays) plus the
// year-end closure most agencies observe (年末年始休業).
var holidays = []string{
	"2026-01-01", "2026-01-02", "2026-01-03", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20",
	"2026-04-29", "2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11",
	"2026-09-21", "2026-09-22", "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23",
	"2026-12-29", "2026-12-30", "2026-12-31",
	"2027-01-01", "2027-01-02", "2027-01-03", "2027-01-11", "2027-02-11", "2027-02-23", "2027-03-22",
	"2027-04-29", "2027-05-03", "2027-05-04", "2027-05-05", "2027-07-19", "2027-08-11", "2027-09-20",
	"2027-09-23", "2027-10-11", "2027-11-03", "2027-11-23",
	"2027-12-29", "2027-12-30", "2027-12-31",
}

// location is where a client site is: prefecture, city, nearest station and street address.
// suburban sites (logistics centres, plants) are where bus commutes and longer walks come from.
type location struct {
	pref, city, station, address, phoneArea string
	suburban                                bool
}

var locations = map[string]location{
	"tokyo-shinjuku":    {"東京都", "新宿区", "新宿", "東京都新宿区西新宿2-4-1 新宿NSビル12F", "03", false},
	"tokyo-shibuya":     {"東京都", "渋谷区", "渋谷", "東京都渋谷区道玄坂1-12-1 渋谷マークシティ8F", "03", false},
	"tokyo-shinagawa":   {"東京都", "港区", "品川", "東京都港区港南2-16-3 品川グランドセントラルタワー15F", "03", false},
	"tokyo-marunouchi":  {"東京都", "千代田区", "東京", "東京都千代田区丸の内1-6-5 丸の内北口ビル", "03", false},
	"kanagawa-yokohama": {"神奈川県", "横浜市西区", "横浜", "神奈川県横浜市西区高島2-19-12 スカイビル9F", "045", false},
	"kanagawa-kawasaki": {"神奈川県", "川崎市川崎区", "川崎", "神奈川県川崎市川崎区水江町5-1", "044", true},
	"kanagawa-aobadai":  {"神奈川県", "横浜市青葉区", "青葉台", "神奈川県横浜市青葉区青葉台2-5-8", "045", false},
	"saitama-omiya":     {"埼玉県", "さいたま市大宮区", "大宮", "埼玉県さいたま市大宮区桜木町1-7-5 ソニックシティ10F", "048", false},
	"saitama-misato":    {"埼玉県", "三郷市", "三郷中央", "埼玉県三郷市彦成3-7-17", "048", true},
	"chiba-makuhari":    {"千葉県", "千葉市美浜区", "海浜幕張", "千葉県千葉市美浜区中瀬2-6-1 ワールドビジネスガーデン", "043", false},
	"chiba-ichikawa":    {"千葉県", "市川市", "市川塩浜", "千葉県市川市塩浜2-13", "047", true},
	"osaka-umeda":       {"大阪府", "大阪市北区", "梅田", "大阪府大阪市北区梅田3-1-3 ノースゲートビル14F", "06", false},
	"osaka-honmachi":    {"大阪府", "大阪市中央区", "本町", "大阪府大阪市中央区本町4-1-13", "06", false},
	"osaka-shinosaka":   {"大阪府", "大阪市淀川区", "新大阪", "大阪府大阪市淀川区西中島5-14-10 新大阪トヨタビル", "06", false},
	"osaka-ibaraki":     {"大阪府", "茨木市", "茨木", "大阪府茨木市彩都あかね3-1", "072", true},
	"aichi-nagoya":      {"愛知県", "名古屋市中村区", "名古屋", "愛知県名古屋市中村区名駅4-7-1 ミッドランドスクエア18F", "052", false},
	"aichi-sakae":       {"愛知県", "名古屋市中区", "栄", "愛知県名古屋市中区栄3-4-5", "052", false},
	"aichi-toyota":      {"愛知県", "豊田市", "豊田市", "愛知県豊田市堤町20-1", "0565", true},
	"aichi-komaki":      {"愛知県", "小牧市", "小牧", "愛知県小牧市小木東2-1", "0568", true},
}

// homeAreas are where registrants live, per prefecture (city, nearest station).
var homeAreas = map[string][][2]string{
	"東京都":  {{"世田谷区", "三軒茶屋"}, {"練馬区", "練馬"}, {"江戸川区", "葛西"}, {"足立区", "北千住"}, {"杉並区", "荻窪"}, {"大田区", "蒲田"}, {"八王子市", "八王子"}},
	"神奈川県": {{"横浜市港北区", "新横浜"}, {"川崎市中原区", "武蔵小杉"}, {"相模原市中央区", "相模原"}, {"藤沢市", "藤沢"}, {"厚木市", "本厚木"}, {"横浜市西区", "横浜"}},
	"埼玉県":  {{"さいたま市浦和区", "浦和"}, {"川口市", "川口"}, {"越谷市", "南越谷"}, {"所沢市", "所沢"}, {"三郷市", "新三郷"}, {"さいたま市大宮区", "大宮"}},
	"千葉県":  {{"船橋市", "船橋"}, {"千葉市中央区", "千葉"}, {"市川市", "本八幡"}, {"松戸市", "松戸"}, {"柏市", "柏"}},
	"大阪府":  {{"大阪市淀川区", "十三"}, {"豊中市", "豊中"}, {"吹田市", "江坂"}, {"茨木市", "茨木"}, {"堺市堺区", "堺東"}, {"東大阪市", "布施"}, {"大阪市北区", "梅田"}},
	"愛知県":  {{"名古屋市千種区", "千種"}, {"名古屋市中川区", "八田"}, {"豊田市", "豊田市"}, {"一宮市", "尾張一宮"}, {"春日井市", "勝川"}, {"岡崎市", "東岡崎"}, {"名古屋市中村区", "名古屋"}},
}

// prefWeight is a prefecture and its share of an agency's registrants.
type prefWeight struct {
	pref   string
	weight int
}

type siteSpec struct {
	name, loc string
	units     []string
	noNotice  bool // the client has not notified the conflict date (抵触日) for this site yet
}

type clientSpec struct {
	name, industry string
	accountRep     int // index among the agency's ACCOUNT reps
	serviceRep     int // index among the agency's SERVICE reps
	sites          []siteSpec
}

type staffSpec struct {
	name, email string
	kind        string // ACCOUNT | SERVICE for sales reps
	specialties []string
	regions     []string
	capacity    int
	available   bool
}

// featuredSpec pins the demo registrant's current assignment: client, site and org unit indexes.
type featuredSpec struct {
	client, site, unit int
	category, pref     string
	name               nameParts
	age                int
}

type agencySpec struct {
	name, slug, mode string
	adminEmail       string
	coordinators     []staffSpec
	salesReps        []staffSpec // ACCOUNT reps first, then SERVICE reps
	clients          []clientSpec
	prefs            []prefWeight
	featured         featuredSpec
}

// unitCategories maps an org unit name to the job categories it hires for.
var unitCategories = map[string][]string{
	"経理課":            {"経理事務"},
	"営業事務課":          {"営業事務", "一般事務"},
	"総務課":            {"一般事務", "受付", "データ入力"},
	"貿易事務課":          {"貿易事務"},
	"物流センター出荷課":      {"軽作業", "フォークリフト"},
	"入荷検品課":          {"軽作業", "フォークリフト", "データ入力"},
	"コールセンター第1グループ":  {"コールセンター"},
	"コールセンター第2グループ":  {"コールセンター", "データ入力"},
	"情報システム部ヘルプデスク課": {"ITヘルプデスク"},
	"製造第1課":          {"製造オペレーター"},
	"製造第2課":          {"製造オペレーター", "軽作業"},
	"品質管理課":          {"製造オペレーター", "データ入力"},
	"組立課":            {"製造オペレーター"},
	"出荷課":            {"軽作業", "フォークリフト"},
	"事務センター":         {"データ入力", "一般事務"},
	"融資事務課":          {"一般事務", "営業事務"},
	"受付センター":         {"受付"},
	"商品部":            {"営業事務", "データ入力"},
	"介護課":            {"介護"},
	"医事課":            {"医療事務", "受付"},
}

var agencies = []agencySpec{
	{
		name: "デモ派遣株式会社", slug: "demo", mode: "COORDINATOR", adminEmail: "admin@demo.example",
		coordinators: []staffSpec{
			{name: "高橋 由紀", email: "coordinator@demo.example", specialties: []string{"経理事務", "一般事務", "営業事務", "貿易事務"},
				regions: []string{"東京都", "神奈川県"}, capacity: 8, available: true},
			{name: "中島 健一", email: "coordinator2@demo.example", specialties: []string{"軽作業", "フォークリフト", "製造オペレーター"},
				regions: []string{"埼玉県", "千葉県", "神奈川県", "愛知県"}, capacity: 10, available: true},
			{name: "森 さやか", email: "coordinator3@demo.example", specialties: []string{"コールセンター", "ITヘルプデスク", "介護", "医療事務", "データ入力", "受付"},
				regions: []string{"東京都", "千葉県", "埼玉県", "大阪府"}, capacity: 5, available: true},
		},
		salesReps: []staffSpec{
			{name: "山口 大輔", email: "sales@demo.example", kind: "ACCOUNT", specialties: []string{"経理事務", "一般事務", "営業事務", "貿易事務", "受付"}, capacity: 10, available: true},
			{name: "小川 美穂", email: "sales2@demo.example", kind: "ACCOUNT", specialties: []string{"軽作業", "フォークリフト", "製造オペレーター", "コールセンター", "介護"}, capacity: 10, available: true},
			{name: "石井 亮", email: "service@demo.example", kind: "SERVICE", specialties: []string{"製造オペレーター", "軽作業"}, capacity: 10, available: true},
			{name: "前田 千尋", email: "service2@demo.example", kind: "SERVICE", specialties: []string{"一般事務", "コールセンター"}, capacity: 10, available: true},
		},
		clients: []clientSpec{
			{name: "東都精機株式会社", industry: "製造業", accountRep: 1, serviceRep: 0, sites: []siteSpec{
				{name: "本社工場", loc: "aichi-toyota", units: []string{"製造第1課", "品質管理課"}},
				{name: "川崎工場", loc: "kanagawa-kawasaki", units: []string{"製造第2課", "総務課"}},
			}},
			{name: "みらい信託銀行株式会社", industry: "金融", accountRep: 0, serviceRep: 1, sites: []siteSpec{
				{name: "本店", loc: "tokyo-marunouchi", units: []string{"事務センター", "融資事務課", "受付センター"}},
			}},
			{name: "株式会社ネクストリンク", industry: "IT・通信", accountRep: 0, serviceRep: 1, sites: []siteSpec{
				{name: "本社", loc: "tokyo-shibuya", units: []string{"情報システム部ヘルプデスク課", "営業事務課"}},
				{name: "新宿オフィス", loc: "tokyo-shinjuku", units: []string{"コールセンター第1グループ"}},
			}},
			{name: "関東ロジスティクス株式会社", industry: "物流", accountRep: 1, serviceRep: 0, sites: []siteSpec{
				{name: "三郷物流センター", loc: "saitama-misato", units: []string{"物流センター出荷課", "入荷検品課"}},
				{name: "市川物流センター", loc: "chiba-ichikawa", units: []string{"物流センター出荷課"}},
			}},
			{name: "株式会社さくらマート", industry: "小売", accountRep: 0, serviceRep: 0, sites: []siteSpec{
				{name: "本部", loc: "saitama-omiya", units: []string{"商品部", "経理課"}, noNotice: true},
			}},
			{name: "医療法人社団 青葉会", industry: "医療・介護", accountRep: 1, serviceRep: 1, sites: []siteSpec{
				{name: "青葉台ケアセンター", loc: "kanagawa-aobadai", units: []string{"介護課", "医事課"}},
			}},
			{name: "丸菱商事株式会社", industry: "商社", accountRep: 0, serviceRep: 1, sites: []siteSpec{
				{name: "東京本社", loc: "tokyo-shinagawa", units: []string{"経理課", "貿易事務課", "営業事務課"}},
				{name: "大阪支店", loc: "osaka-umeda", units: []string{"営業事務課"}},
			}},
			{name: "株式会社アクシスコミュニケーションズ", industry: "IT・通信", accountRep: 1, serviceRep: 0, sites: []siteSpec{
				{name: "幕張コンタクトセンター", loc: "chiba-makuhari", units: []string{"コールセンター第1グループ", "コールセンター第2グループ"}},
			}},
		},
		prefs: []prefWeight{{"東京都", 30}, {"神奈川県", 20}, {"埼玉県", 18}, {"千葉県", 18}, {"大阪府", 7}, {"愛知県", 7}},
		featured: featuredSpec{client: 6, site: 0, unit: 0, category: "経理事務", pref: "東京都",
			name: nameParts{"佐藤", "サトウ", "sato", "美咲", "ミサキ", "misaki", "FEMALE"}, age: 34},
	},
	{
		name: "ダイレクト・スタッフ株式会社", slug: "direct", mode: "DIRECT", adminEmail: "admin@direct.example",
		salesReps: []staffSpec{
			{name: "松田 浩", email: "sales@direct.example", kind: "ACCOUNT", specialties: []string{"製造オペレーター", "軽作業", "フォークリフト"}, capacity: 10, available: true},
			{name: "岡本 由香", email: "sales2@direct.example", kind: "ACCOUNT", specialties: []string{"経理事務", "一般事務", "営業事務", "貿易事務", "データ入力"}, capacity: 10, available: true},
			{name: "藤原 拓海", email: "sales3@direct.example", kind: "ACCOUNT", specialties: []string{"介護", "医療事務", "ITヘルプデスク", "コールセンター"}, capacity: 8, available: true},
			{name: "村上 真理", email: "service@direct.example", kind: "SERVICE", specialties: []string{"製造オペレーター", "一般事務"}, capacity: 10, available: true},
		},
		clients: []clientSpec{
			{name: "浪速化成工業株式会社", industry: "製造業", accountRep: 0, sites: []siteSpec{
				{name: "茨木工場", loc: "osaka-ibaraki", units: []string{"製造第1課", "品質管理課"}},
			}},
			{name: "中部オートパーツ株式会社", industry: "製造業", accountRep: 0, sites: []siteSpec{
				{name: "豊田工場", loc: "aichi-toyota", units: []string{"組立課", "出荷課"}},
				{name: "名古屋本社", loc: "aichi-nagoya", units: []string{"経理課"}},
			}},
			{name: "株式会社ウエストロジ", industry: "物流", accountRep: 0, sites: []siteSpec{
				{name: "小牧物流センター", loc: "aichi-komaki", units: []string{"物流センター出荷課", "入荷検品課"}},
				{name: "茨木ディストリビューションセンター", loc: "osaka-ibaraki", units: []string{"物流センター出荷課"}},
			}},
			{name: "なにわ中央信用金庫", industry: "金融", accountRep: 1, sites: []siteSpec{
				{name: "本店", loc: "osaka-honmachi", units: []string{"事務センター", "融資事務課"}},
			}},
			{name: "株式会社みどりドラッグ", industry: "小売", accountRep: 1, sites: []siteSpec{
				{name: "本部", loc: "osaka-shinosaka", units: []string{"商品部", "経理課"}, noNotice: true},
			}},
			{name: "社会福祉法人 ひまわり福祉会", industry: "医療・介護", accountRep: 2, sites: []siteSpec{
				{name: "特別養護老人ホーム ひまわり栄", loc: "aichi-sakae", units: []string{"介護課", "医事課"}},
			}},
			{name: "株式会社テックブリッジ", industry: "IT・通信", accountRep: 2, sites: []siteSpec{
				{name: "名古屋本社", loc: "aichi-nagoya", units: []string{"情報システム部ヘルプデスク課", "コールセンター第1グループ"}},
			}},
			{name: "東西貿易株式会社", industry: "商社", accountRep: 1, sites: []siteSpec{
				{name: "大阪本社", loc: "osaka-umeda", units: []string{"貿易事務課", "営業事務課"}},
				{name: "横浜営業所", loc: "kanagawa-yokohama", units: []string{"貿易事務課"}},
			}},
		},
		prefs: []prefWeight{{"大阪府", 45}, {"愛知県", 40}, {"神奈川県", 10}, {"東京都", 5}},
		featured: featuredSpec{client: 0, site: 0, unit: 0, category: "製造オペレーター", pref: "大阪府",
			name: nameParts{"田中", "タナカ", "tanaka", "翔太", "ショウタ", "shota", "MALE"}, age: 29},
	},
}

// jobCategory describes postings and experience of one job category.
type jobCategory struct {
	titles  []string // title stems
	tags    []string // task tags (shared vocabulary of postings and work histories)
	skills  []string // skills that matter for the category
	wageMin int
	wageMax int
	hours   []string
	office  bool // office work: may be TEMP_TO_PERM, walkable from the station
	related []string
	duties  string // one-line description of the work
}

var categories = map[string]jobCategory{
	"一般事務": {
		titles: []string{"一般事務（書類作成・データ集計）", "総務部門の一般事務／残業ほぼなし", "部署アシスタント（一般事務）", "庶務・一般事務（備品管理・来客対応）"},
		tags:   []string{"電話応対", "書類作成", "データ入力", "Excel VLOOKUP", "来客対応", "備品管理", "郵便物仕分け"},
		skills: []string{"Excel", "Word", "PowerPoint", "MOS Excel"}, wageMin: 1250, wageMax: 1550,
		hours: []string{"9:00〜17:30（休憩60分）", "9:00〜18:00（休憩60分）", "8:45〜17:30（休憩60分）"}, office: true,
		related: []string{"営業事務", "データ入力", "受付"},
		duties:  "部署内の書類作成、Excelでのデータ集計、電話・来客対応、備品管理などをお任せします。",
	},
	"営業事務": {
		titles: []string{"営業事務（受注入力・見積書作成）", "営業アシスタント／納期調整あり", "受発注事務（SAP使用）", "営業サポート事務（Salesforce入力）"},
		tags:   []string{"受注入力", "見積書作成", "納期調整", "電話応対", "請求書発行", "Excel VLOOKUP", "在庫管理"},
		skills: []string{"Excel", "Word", "Salesforce", "SAP"}, wageMin: 1300, wageMax: 1650,
		hours: []string{"9:00〜17:30（休憩60分）", "9:00〜18:00（休憩60分）"}, office: true,
		related: []string{"一般事務", "データ入力", "貿易事務"},
		duties:  "営業担当のサポートとして受注入力、見積書・請求書の作成、取引先との納期調整を行います。",
	},
	"経理事務": {
		titles: []string{"経理事務（売掛金管理・請求書発行）", "経理スタッフ／仕訳入力・月次決算補助", "経理事務（買掛金・支払業務）", "会計事務（伝票処理・経費精算）"},
		tags:   []string{"請求書発行", "売掛金管理", "仕訳入力", "買掛金管理", "月次決算補助", "経費精算", "Excel VLOOKUP"},
		skills: []string{"簿記2級", "簿記3級", "Excel", "勘定奉行", "SAP"}, wageMin: 1450, wageMax: 1950,
		hours: []string{"9:00〜17:30（休憩60分）", "9:00〜18:00（休憩60分）"}, office: true,
		related: []string{"一般事務", "営業事務"},
		duties:  "売掛金の入金消込、請求書発行、仕訳入力、経費精算のチェックなど経理業務全般を担当します。",
	},
	"貿易事務": {
		titles: []string{"貿易事務（輸出書類作成・英文メール）", "輸入通関手配・貿易事務", "海外営業アシスタント（貿易事務）"},
		tags:   []string{"輸出入書類作成", "通関手配", "英文メール", "L/C確認", "船積手配", "受注入力"},
		skills: []string{"TOEIC", "英語（ビジネスレベル）", "Excel", "SAP"}, wageMin: 1600, wageMax: 2050,
		hours: []string{"9:00〜17:30（休憩60分）", "9:30〜18:00（休憩60分）"}, office: true,
		related: []string{"営業事務", "一般事務"},
		duties:  "インボイス・パッキングリスト等の輸出入書類作成、乙仲・通関業者との調整、海外取引先との英文メール対応を行います。",
	},
	"受付": {
		titles: []string{"オフィス受付（来客対応・会議室管理）", "本社受付／英語を活かせる", "受付・電話交換"},
		tags:   []string{"来客対応", "電話応対", "会議室予約管理", "郵便物仕分け"},
		skills: []string{"秘書検定2級", "英語（日常会話）", "Word"}, wageMin: 1250, wageMax: 1500,
		hours: []string{"8:45〜17:30（休憩60分）", "9:00〜18:00（シフト制・休憩60分）"}, office: true,
		related: []string{"一般事務", "医療事務"},
		duties:  "来訪者の受付・ご案内、会議室の予約管理、代表電話の取次ぎなどをお願いします。",
	},
	"コールセンター": {
		titles: []string{"コールセンター（インバウンド・お問い合わせ対応）", "カスタマーサポート（通販受付）", "テクニカルサポート窓口", "コールセンター／研修充実・未経験歓迎"},
		tags:   []string{"電話応対", "インバウンド", "クレーム一次対応", "CRM入力", "メール対応"},
		skills: []string{"PCタイピング", "Salesforce", "Excel"}, wageMin: 1300, wageMax: 1700,
		hours: []string{"9:00〜18:00（シフト制・休憩60分）", "10:00〜19:00（シフト制・休憩60分）"}, office: true,
		related: []string{"データ入力", "一般事務"},
		duties:  "お客様からのお問い合わせ（商品・契約内容・手続き）に電話とメールで対応し、内容をCRMに記録します。",
	},
	"データ入力": {
		titles: []string{"データ入力（伝票・申込書）", "スキャニング・データ入力", "書類チェック・入力業務"},
		tags:   []string{"データ入力", "伝票照合", "スキャニング", "書類チェック"},
		skills: []string{"PCタイピング", "Excel", "Access"}, wageMin: 1150, wageMax: 1400,
		hours: []string{"9:00〜17:30（休憩60分）", "9:30〜17:00（休憩60分）"}, office: true,
		related: []string{"一般事務", "コールセンター"},
		duties:  "申込書や伝票の内容をシステムに入力し、原本との照合・スキャニングを行います。",
	},
	"軽作業": {
		titles: []string{"物流センターでのピッキング・検品", "倉庫内軽作業（梱包・仕分け）", "通販商品の出荷作業", "入荷検品・棚入れ"},
		tags:   []string{"ピッキング", "検品", "梱包", "仕分け", "ハンディ端末操作"},
		skills: []string{"普通自動車免許", "フォークリフト免許"}, wageMin: 1150, wageMax: 1400,
		hours:   []string{"8:30〜17:30（休憩60分）", "9:00〜18:00（休憩60分）", "13:00〜22:00（休憩60分）"},
		related: []string{"フォークリフト", "製造オペレーター"},
		duties:  "ハンディ端末を使った商品のピッキング、検品、梱包、方面別の仕分けを行います。",
	},
	"製造オペレーター": {
		titles: []string{"製造オペレーター（機械操作・監視）", "自動車部品の組立・検査", "工場内ライン作業（2交替）", "品質検査（目視・計測）"},
		tags:   []string{"機械オペレーション", "目視検査", "部品組立", "計測", "段取り替え"},
		skills: []string{"普通自動車免許", "フォークリフト免許", "危険物取扱者乙4"}, wageMin: 1350, wageMax: 1750,
		hours:   []string{"8:00〜17:00（休憩60分）", "8:00〜17:00／20:00〜翌5:00（2交替）"},
		related: []string{"軽作業", "フォークリフト"},
		duties:  "生産ラインでの機械オペレーション（材料投入・監視）、製品の目視検査と計測を担当します。",
	},
	"フォークリフト": {
		titles: []string{"フォークリフトでの入出庫作業", "リーチフォークリフト（冷蔵倉庫）", "フォークリフト・積み込み作業"},
		tags:   []string{"フォークリフト作業", "入出庫管理", "ピッキング", "積み込み"},
		skills: []string{"フォークリフト免許", "普通自動車免許", "玉掛け"}, wageMin: 1400, wageMax: 1750,
		hours:   []string{"8:00〜17:00（休憩60分）", "8:30〜17:30（休憩60分）"},
		related: []string{"軽作業", "製造オペレーター"},
		duties:  "カウンターフォークリフトを使用したパレットの入出庫、トラックへの積み込み・荷下ろしを行います。",
	},
	"介護": {
		titles: []string{"介護スタッフ（特別養護老人ホーム）", "デイサービスの介護職", "介護職（初任者研修以上）"},
		tags:   []string{"身体介護", "生活援助", "介護記録作成", "レクリエーション"},
		skills: []string{"介護職員初任者研修", "介護福祉士", "普通自動車免許"}, wageMin: 1400, wageMax: 1850,
		hours:   []string{"7:00〜16:00／9:00〜18:00／11:00〜20:00（シフト制）", "9:00〜18:00（休憩60分）"},
		related: []string{"医療事務", "受付"},
		duties:  "ご利用者様の食事・入浴・排泄介助などの身体介護と、介護記録の作成をお願いします。",
	},
	"医療事務": {
		titles: []string{"医療事務（受付・会計）", "クリニックの医療事務／レセプト経験者歓迎", "医事課スタッフ（レセプト業務）"},
		tags:   []string{"レセプト作成", "受付", "会計", "電話応対", "データ入力"},
		skills: []string{"医療事務技能審査", "Excel"}, wageMin: 1250, wageMax: 1550,
		hours: []string{"8:30〜17:30（休憩60分）", "9:00〜18:00（シフト制）"}, office: true,
		related: []string{"受付", "一般事務"},
		duties:  "受付・会計、診療報酬明細書（レセプト）の作成・点検を担当します。",
	},
	"ITヘルプデスク": {
		titles: []string{"社内ITヘルプデスク（PCキッティング・問い合わせ対応）", "ヘルプデスク／アカウント管理", "IT運用サポート（Active Directory）"},
		tags:   []string{"PCキッティング", "問い合わせ対応", "アカウント管理", "Active Directory", "資産管理"},
		skills: []string{"ITパスポート", "基本情報技術者", "CCNA", "Excel"}, wageMin: 1700, wageMax: 2300,
		hours: []string{"9:00〜18:00（休憩60分）", "9:30〜18:30（休憩60分）"}, office: true,
		related: []string{"コールセンター", "一般事務"},
		duties:  "社員からのPC・システムに関する問い合わせ対応、PCキッティング、アカウントの発行・管理を行います。",
	},
}

// generalSkills are skills anyone might list in addition to their category's skills.
var generalSkills = []string{"Excel", "Word", "PowerPoint", "普通自動車免許"}

// historyCompanies are past employers (not clients of the agencies), by industry.
var historyCompanies = []struct{ name, industry string }{
	{"株式会社日本データサービス", "IT・通信"},
	{"株式会社コネクトコール", "IT・通信"},
	{"あおば生命保険株式会社", "金融"},
	{"ひかりカード株式会社", "金融"},
	{"株式会社サンライズ電機", "製造業"},
	{"株式会社フレッシュ食品", "製造業"},
	{"北関東運輸株式会社", "物流"},
	{"株式会社スピード物流", "物流"},
	{"株式会社ライフリンク", "小売"},
	{"株式会社マルシェ百貨", "小売"},
	{"三和商事株式会社", "商社"},
	{"株式会社グローバルトレード", "商社"},
	{"医療法人 すずらん会", "医療・介護"},
	{"株式会社やすらぎケア", "医療・介護"},
	{"株式会社オフィスパートナーズ", "サービス"},
}

// categoryIndustries lists industries where experience of a category is typically gained.
var categoryIndustries = map[string][]string{
	"一般事務":     {"金融", "製造業", "商社", "サービス", "IT・通信"},
	"営業事務":     {"商社", "製造業", "IT・通信", "小売"},
	"経理事務":     {"製造業", "商社", "小売", "サービス"},
	"貿易事務":     {"商社", "物流", "製造業"},
	"受付":       {"サービス", "金融", "医療・介護"},
	"コールセンター":  {"IT・通信", "金融", "小売"},
	"データ入力":    {"金融", "サービス", "IT・通信"},
	"軽作業":      {"物流", "小売", "製造業"},
	"製造オペレーター": {"製造業"},
	"フォークリフト":  {"物流", "製造業"},
	"介護":       {"医療・介護"},
	"医療事務":     {"医療・介護"},
	"ITヘルプデスク": {"IT・通信", "金融", "サービス"},
}

// nameParts is one person's name: family and given name in kanji, kana and romaji, and gender.
type nameParts struct {
	family, familyKana, familyRomaji string
	given, givenKana, givenRomaji    string
	gender                           string
}

var familyNames = [][3]string{
	{"鈴木", "スズキ", "suzuki"}, {"高橋", "タカハシ", "takahashi"}, {"伊藤", "イトウ", "ito"},
	{"渡辺", "ワタナベ", "watanabe"}, {"山本", "ヤマモト", "yamamoto"}, {"中村", "ナカムラ", "nakamura"},
	{"小林", "コバヤシ", "kobayashi"}, {"加藤", "カトウ", "kato"}, {"吉田", "ヨシダ", "yoshida"},
	{"山田", "ヤマダ", "yamada"}, {"佐々木", "ササキ", "sasaki"}, {"山口", "ヤマグチ", "yamaguchi"},
	{"松本", "マツモト", "matsumoto"}, {"井上", "イノウエ", "inoue"}, {"木村", "キムラ", "kimura"},
	{"林", "ハヤシ", "hayashi"}, {"清水", "シミズ", "shimizu"}, {"斎藤", "サイトウ", "saito"},
	{"山崎", "ヤマザキ", "yamazaki"}, {"池田", "イケダ", "ikeda"}, {"橋本", "ハシモト", "hashimoto"},
	{"阿部", "アベ", "abe"}, {"石川", "イシカワ", "ishikawa"}, {"森田", "モリタ", "morita"},
}

var givenNames = [][4]string{
	{"陽子", "ヨウコ", "yoko", "FEMALE"}, {"由美", "ユミ", "yumi", "FEMALE"}, {"真由美", "マユミ", "mayumi", "FEMALE"},
	{"愛", "アイ", "ai", "FEMALE"}, {"彩", "アヤ", "aya", "FEMALE"}, {"恵", "メグミ", "megumi", "FEMALE"},
	{"智子", "トモコ", "tomoko", "FEMALE"}, {"奈々", "ナナ", "nana", "FEMALE"}, {"結衣", "ユイ", "yui", "FEMALE"},
	{"麻衣", "マイ", "mai", "FEMALE"}, {"香織", "カオリ", "kaori", "FEMALE"}, {"理恵", "リエ", "rie", "FEMALE"},
	{"健太", "ケンタ", "kenta", "MALE"}, {"大輔", "ダイスケ", "daisuke", "MALE"}, {"拓也", "タクヤ", "takuya", "MALE"},
	{"誠", "マコト", "makoto", "MALE"}, {"直樹", "ナオキ", "naoki", "MALE"}, {"浩二", "コウジ", "koji", "MALE"},
	{"隆", "タカシ", "takashi", "MALE"}, {"亮", "リョウ", "ryo", "MALE"}, {"和也", "カズヤ", "kazuya", "MALE"},
	{"悠斗", "ユウト", "yuto", "MALE"}, {"葵", "アオイ", "aoi", "FEMALE"}, {"翼", "ツバサ", "tsubasa", "MALE"},
}

var educations = []string{"高等学校卒業", "専門学校卒業", "短期大学卒業", "大学卒業", "大学卒業", "大学院修了"}

var contactHours = []string{"平日10:00〜12:00", "平日12:00〜13:00", "平日18:00以降", "いつでも可", "メール希望", "土日可"}

var contactPeople = []string{"山田", "鈴木", "田村", "小松", "西川", "福田", "大野", "坂本"}

var hiringReasons = []string{
	"欠員補充（前任者の契約満了）", "欠員補充（前任者が短期で退職）", "増員（業務拡大のため）",
	"繁忙期対応の増員", "産休・育休代替", "欠員補充（前任者の社内異動）",
}

var atmosphereNotes = []string{
	"落ち着いた雰囲気で私語は少なめ。黙々と作業したい方向き。",
	"20〜40代中心の明るい職場。質問しやすい雰囲気。",
	"ベテラン社員が多く、丁寧に教えてもらえる。",
	"繁忙期（月末・月初）はやや慌ただしいが、チームで協力する文化。",
	"派遣スタッフが多数活躍中で、馴染みやすい。",
	"上長が厳しめとの声あり。報連相を重視する職場。",
	"服装自由・休憩室あり。残業は月末に集中。",
}

var inquiryMessages = map[string][]string{
	"POSTING_QUESTION": {
		"こちらのお仕事の残業はどのくらいありますか？服装の規定があれば教えてください。",
		"最寄り駅からの通勤手段を教えてください。バスの本数は多いですか？",
		"未経験でも応募できますか？研修期間はありますか？",
	},
	"APPLICATION_INTENT": {
		"先日ご紹介いただいたお仕事に応募したいです。職場見学の日程を調整させてください。",
		"こちらの案件でぜひ働きたいと考えています。次のステップを教えてください。",
	},
	"NEXT_JOB": {
		"今の契約が来月で終わるので、次のお仕事を探しています。事務系で時給1,500円以上を希望します。",
		"契約満了後すぐに働けるお仕事を紹介してください。社会保険を継続したいです。",
	},
	"GENERAL": {
		"有給休暇の申請方法を教えてください。",
		"源泉徴収票の再発行をお願いしたいです。",
		"登録情報（住所）を変更したいのですが、どうすればよいですか？",
	},
}
