package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
)

// inLanguage is do with the given Accept-Language header ("" sends none: Japanese, the default).
func inLanguage(t *testing.T, url, token, acceptLanguage, body string) gqlResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("HTTP %d, body is not GraphQL JSON: %.300s", resp.StatusCode, raw)
	}
	r.status = resp.StatusCode
	return r
}

func hasJapanese(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) }) >= 0
}

// TestTextsInJapaneseByDefault: what staff and registrants read of matching and compliance — match
// explanations, posting risk texts, compliance findings and the COMPLIANCE_VIOLATION message — is
// Japanese without Accept-Language and English with Accept-Language: en; explanations carry the
// matched and missing task tags and skills in the posting's spelling, in both.
func TestTextsInJapaneseByDefault(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			ctx := access.System(context.Background(), "test fixture")
			p1, p3, g1, a1 := e.rows["P1"].id, e.rows["P3"].id, e.rows["G1"].id, e.rows["A1"].id
			// P3 asks for two tasks and two skills; G1 did one task and has Excel (spelt half-width on
			// her record, full-width on the posting). P3, not P1: her assignment at P1 would count as
			// having done all of P1's tasks.
			e.db.Client.Posting.UpdateOneID(p3).SetTaskTags([]string{"請求書発行", "仕訳入力"}).
				SetRequiredSkills([]string{"ＥＸＣＥＬ", "Word"}).ExecX(ctx)
			e.db.Client.WorkHistory.UpdateOneID(e.rows["W1"].id).SetTaskTags([]string{"請求書発行"}).ExecX(ctx)

			ok := func(role, lang, q string) map[string]any {
				t.Helper()
				r := inLanguage(t, e.url, e.tokens[role], lang, query(q, nil))
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %v %q", q, codesOf(r), r.Errors[0].Message)
				}
				return r.Data
			}
			type texts struct{ tasks, skills string }
			want := map[string]texts{
				"":   {"タスク 2件中1件が一致: 請求書発行; 不足: 仕訳入力", "必須スキル 2件中1件あり: ＥＸＣＥＬ; 不足: Word"},
				"en": {"1 of 2 task tags match: 請求書発行; missing: 仕訳入力", "1 of 2 required skills: ＥＸＣＥＬ; missing: Word"},
			}
			// explanations checks the explanations of the edge whose node has id and returns their texts
			// by component.
			explanations := func(t *testing.T, lang string, edges []any, id int) map[string]string {
				t.Helper()
				var found []any
				for _, ed := range edges {
					m := ed.(map[string]any)
					if n, _ := m["node"].(map[string]any); n != nil && n["id"] == fmt.Sprint(id) {
						found = m["explanations"].([]any)
					}
				}
				if len(found) == 0 {
					t.Fatalf("no explanations for %d in %v", id, edges)
				}
				out := map[string]string{}
				for _, x := range found {
					ex := x.(map[string]any)
					comp, text := ex["component"].(string), ex["text"].(string)
					out[comp] = text
					matched, missing := fmt.Sprint(ex["matched"]), fmt.Sprint(ex["missing"])
					switch comp {
					case "TASKS":
						if text != want[lang].tasks || matched != "[請求書発行]" || missing != "[仕訳入力]" {
							t.Errorf("%q: tasks %q matched %s missing %s, want %q", lang, text, matched, missing, want[lang].tasks)
						}
					case "SKILLS":
						if text != want[lang].skills || matched != "[ＥＸＣＥＬ]" || missing != "[Word]" {
							t.Errorf("%q: skills %q matched %s missing %s, want %q", lang, text, matched, missing, want[lang].skills)
						}
					default:
						if ex["matched"] == nil || ex["missing"] == nil || matched != "[]" || missing != "[]" {
							t.Errorf("%q: %s matched %v missing %v, want empty lists", lang, comp, ex["matched"], ex["missing"])
						}
					}
				}
				return out
			}
			// differ: each text is Japanese in Japanese and another text in English.
			differ := func(t *testing.T, what string, ja, en map[string]string) {
				t.Helper()
				if len(ja) == 0 || len(ja) != len(en) {
					t.Fatalf("%s: %d Japanese texts, %d English", what, len(ja), len(en))
				}
				for k, j := range ja {
					if !hasJapanese(j) || en[k] == "" || en[k] == j {
						t.Errorf("%s %s: Japanese %q, English %q", what, k, j, en[k])
					}
				}
			}
			byLang := map[string][2]map[string]string{}
			for _, lang := range []string{"", "en"} {
				d := ok(roleCoord, lang, fmt.Sprintf(`{matchRegistrants(postingId:"%d"){edges{node{id} explanations{component text matched missing}}}}`, p3))
				forPosting := explanations(t, lang, d["matchRegistrants"].(map[string]any)["edges"].([]any), g1)
				d = ok(roleCoord, lang, fmt.Sprintf(`{matchPostings(registrantId:"%d"){edges{node{id signals{riskReasons riskTexts}} explanations{component text matched missing}}}}`, g1))
				edges := d["matchPostings"].(map[string]any)["edges"].([]any)
				byLang[lang] = [2]map[string]string{forPosting, explanations(t, lang, edges, p3)}
				// P3's predecessor left after 2 months.
				wantRisk := map[string]string{"": "前任者が2か月で退職（3か月未満）", "en": "predecessor left after 2 months (under 3)"}[lang]
				if s := fmt.Sprint(edges); !strings.Contains(s, wantRisk) {
					t.Errorf("%q: risk texts do not say %q: %s", lang, wantRisk, s)
				}
			}
			differ(t, "matchRegistrants", byLang[""][0], byLang["en"][0])
			differ(t, "matchPostings", byLang[""][1], byLang["en"][1])
			// A registrant reads her recommendations' explanations in Japanese too.
			rec := ok(roleReg, "", `{recommendedPostings{edges{explanations{component text matched missing}}}}`)
			recEdges := rec["recommendedPostings"].(map[string]any)["edges"].([]any)
			if len(recEdges) == 0 {
				t.Fatal("no recommendations")
			}
			for _, ed := range recEdges {
				for _, x := range ed.(map[string]any)["explanations"].([]any) {
					if ex := x.(map[string]any); !hasJapanese(ex["text"].(string)) || ex["matched"] == nil || ex["missing"] == nil {
						t.Errorf("registrant's explanation %v", ex)
					}
				}
			}

			// Compliance findings: past the site's conflict date 2029-04-01.
			wantFinding := map[string]string{
				"": "事業所単位の期間制限に抵触します。派遣期間の終了日（2030年6月30日）が事業所の抵触日（2029年4月1日）以降にかかっており、" +
					"この事業所に派遣できるのは2029年3月31日までです。",
				"en": "assignment ending 2030-06-30 would run on or past the site's conflict date 2029-04-01; the last allowed day is 2029-03-31",
			}
			findings := map[string]map[string]string{}
			for _, lang := range []string{"", "en"} {
				cc := ok(roleCoord, lang, fmt.Sprintf(`{complianceCheck(registrantId:"%d",postingId:"%d",start:"2027-01-04",end:"2030-06-30"){ok findings{rule severity message}}}`, g1, p1))
				findings[lang] = map[string]string{}
				for _, f := range cc["complianceCheck"].(map[string]any)["findings"].([]any) {
					f := f.(map[string]any)
					findings[lang][f["rule"].(string)] = f["message"].(string)
				}
				if got := findings[lang]["SITE_CONFLICT_DATE"]; got != wantFinding[lang] {
					t.Errorf("%q: SITE_CONFLICT_DATE message %q, want %q", lang, got, wantFinding[lang])
				}
			}
			differ(t, "complianceCheck", findings[""], findings["en"])

			// A blocked step says its first finding in the reader's language; the English stays in
			// extensions.detail for Japanese readers.
			ok(roleSales, "en", fmt.Sprintf(`mutation{advanceApplication(input:{applicationId:"%d",to:SCREENING_PASSED}){application{status}}}`, a1))
			offer := fmt.Sprintf(`mutation{advanceApplication(input:{applicationId:"%d",to:OFFERED,startDate:"2027-01-04",endDate:"2027-01-20"}){application{status}}}`, a1)
			en := "compliance violation: assignment of 17 days is day labour (30 days or less) and no exemption applies " +
				"(60+, daytime student, income, or exempt job category)"
			for lang, wantMsg := range map[string]string{
				"":   "派遣期間17日は日雇派遣（30日以内）に該当し、例外（60歳以上、昼間学生、収入要件、日雇派遣が認められる業務）のいずれにも当たらないため、派遣できません。",
				"en": en,
			} {
				r := inLanguage(t, e.url, e.tokens[roleSales], lang, query(offer, nil))
				if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeComplianceViolation {
					t.Fatalf("%q: %v", lang, codesOf(r))
				}
				wantDetail := map[string]any{"": en, "en": nil}[lang]
				if got := r.Errors[0]; got.Message != wantMsg || !reflect.DeepEqual(got.Extensions["detail"], wantDetail) ||
					fmt.Sprint(got.Extensions["rules"]) != "[DAY_LABOUR]" {
					t.Errorf("%q: %q %v, want %q", lang, got.Message, got.Extensions, wantMsg)
				}
			}
		})
	}
}
