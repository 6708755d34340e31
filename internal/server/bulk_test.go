package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/bulk"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
)

// upload POSTs a GraphQL multipart request (operations, map, one file as variables.input.file).
func upload(t *testing.T, base, token, q, name string, file []byte) gqlResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"file": nil}})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0":["variables.file"]}`)
	fw, _ := mw.CreateFormFile("0", name)
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/query", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("HTTP %d: %.300s", resp.StatusCode, raw)
	}
	r.status = resp.StatusCode
	return r
}

// download GETs path with token, answering the status, the content type and the body.
func download(t *testing.T, base, token, path string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), raw
}

const importMutation = `mutation($file: Upload!){importRegistrants(input:{file:$file, mode:%s}){job{id status kind mode fileName}}}`

const jobFields = `id status total done imported updated unchanged failed encoding fileName errors{line column reason}`

// TestBulkImportOverHTTP: a coordinator uploads a Shift_JIS CSV (multipart GraphQL request) with 3
// bad rows; the mutation answers the job at once, the importJobProgress subscription follows it to
// DONE, importJob reports exactly those 3 lines and the valid rows are imported; the export endpoint
// streams the same format, and uploading it back changes nothing. Roles are refused as the service
// decides, over GraphQL and the endpoint alike. On SQLite and PostgreSQL.
func TestBulkImportOverHTTP(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 0)
			bus := notify.NewLocal()
			t.Cleanup(func() { bus.Close() })
			svc := &bulk.Service{Client: d.db.Client, Publisher: bus, Subscriber: bus, BatchRows: 4}
			d.resolver.Bus, d.resolver.Bulk = bus, svc
			srv := httptest.NewServer(d.handler)
			t.Cleanup(srv.Close)
			coord := loginAt(t, srv.URL, "coordinator@demo.example")

			var file strings.Builder
			cw := csv.NewWriter(&file)
			_ = cw.Write([]string{"external_key", "name", "kana", "prefecture", "city", "desired_job_categories", "skills"})
			for i := range 12 {
				pref, skills := "大阪府", `[{"name":"Excel","level":3,"years":2}]`
				switch i {
				case 2:
					pref = "大阪" // line 4: not a prefecture
				case 6:
					pref = "" // line 8: required for a new registrant
				case 9:
					skills = `[{"name":"Excel","level":9}]` // line 11: level is 1 to 5
				}
				_ = cw.Write([]string{fmt.Sprintf("http-%02d", i), fmt.Sprintf("大阪 太郎%d", i), "オオサカ タロウ", pref, "北区", "一般事務;受付", skills})
			}
			cw.Flush()
			text := file.String()
			sjis, err := japanese.ShiftJIS.NewEncoder().String(text)
			if err != nil {
				t.Fatal(err)
			}
			r := upload(t, srv.URL, coord, fmt.Sprintf(importMutation, "VALID_ROWS"), "名簿.csv", []byte(sjis))
			if len(r.Errors) > 0 {
				t.Fatalf("upload: %v", r.Errors)
			}
			job := r.Data["importRegistrants"].(map[string]any)["job"].(map[string]any)
			if job["status"] != "QUEUED" && job["status"] != "RUNNING" && job["status"] != "DONE" || job["fileName"] != "名簿.csv" {
				t.Errorf("answered job: %v", job)
			}
			id := job["id"].(string)

			ws, err := dialWS(t, srv.URL, coord)
			if err != nil {
				t.Fatal(err)
			}
			ws.subscribe("1", fmt.Sprintf(`subscription{importJobProgress(id:"%s"){status done total}}`, id))
			var states []map[string]any
			for {
				msg, err := ws.read(30 * time.Second)
				if err != nil {
					t.Fatalf("progress: %v after %v", err, states)
				}
				if msg["type"] == "complete" {
					break
				}
				if msg["type"] != "next" {
					t.Fatalf("progress message %v", msg)
				}
				states = append(states, msg["payload"].(map[string]any)["data"].(map[string]any)["importJobProgress"].(map[string]any))
			}
			svc.Wait()
			if last := states[len(states)-1]; last["status"] != "DONE" || last["done"] != float64(12) || last["total"] != float64(12) {
				t.Errorf("progress ended with %v (states %v)", last, states)
			}

			r = do(t, srv.URL, coord, query(`query($id:ID!){importJob(id:$id){`+jobFields+`}}`, map[string]any{"id": id}))
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			got := r.Data["importJob"].(map[string]any)
			var bad []float64
			for _, e := range got["errors"].([]any) {
				bad = append(bad, e.(map[string]any)["line"].(float64))
			}
			if !slices.Equal(bad, []float64{4, 8, 11}) || got["imported"] != float64(9) || got["failed"] != float64(3) ||
				got["encoding"] != "Shift_JIS" || got["status"] != "DONE" {
				t.Fatalf("job: %v", got)
			}

			// The export streams the import format; uploading it back changes nothing.
			status, ctype, body := download(t, srv.URL, coord, "/export/registrants.csv")
			if status != http.StatusOK || !strings.HasPrefix(ctype, "text/csv") || !bytes.HasPrefix(body, []byte("\ufeffexternal_key,id,name,")) {
				t.Fatalf("export: HTTP %d %s %.200s", status, ctype, body)
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(recs[0], bulk.RegistrantHeader()) || !strings.Contains(string(body), "http-00") {
				t.Fatalf("export header %v", recs[0])
			}
			r = upload(t, srv.URL, coord, fmt.Sprintf(importMutation, "ALL_OR_NOTHING"), "export.csv", body)
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			svc.Wait()
			again := r.Data["importRegistrants"].(map[string]any)["job"].(map[string]any)["id"]
			r = do(t, srv.URL, coord, query(`query($id:ID!){importJob(id:$id){`+jobFields+`}}`, map[string]any{"id": again}))
			round := r.Data["importJob"].(map[string]any)
			if round["status"] != "DONE" || round["unchanged"] != float64(len(recs)-1) || round["imported"] != float64(0) ||
				round["updated"] != float64(0) {
				t.Fatalf("export imported back: %v", round)
			}
			r = do(t, srv.URL, coord, query(`{importJobs(kind: REGISTRANTS){id}}`, nil))
			if n := len(r.Data["importJobs"].([]any)); n != 2 {
				t.Errorf("importJobs: %d jobs, want the coordinator's 2", n)
			}

			// Scope: who may upload and download what.
			sales, reg := loginAt(t, srv.URL, "sales@demo.example"), loginAt(t, srv.URL, "registrant@demo.example")
			for _, tc := range []struct {
				who, token, code string
			}{{"sales rep", sales, graph.CodeForbidden}, {"registrant", reg, graph.CodeForbidden}} {
				r := upload(t, srv.URL, tc.token, fmt.Sprintf(importMutation, "VALID_ROWS"), "x.csv", []byte(text))
				if errCode(r) != tc.code {
					t.Errorf("upload as %s: %v", tc.who, r.Errors)
				}
			}
			if r := upload(t, srv.URL, "", fmt.Sprintf(importMutation, "VALID_ROWS"), "x.csv", []byte(text)); r.status != http.StatusUnauthorized ||
				errCode(r) != graph.CodeUnauthenticated {
				t.Errorf("anonymous upload: HTTP %d %v", r.status, r.Errors)
			}
			if r := do(t, srv.URL, sales, query(`query($id:ID!){importJob(id:$id){id}}`, map[string]any{"id": id})); errCode(r) != graph.CodeNotFound {
				t.Errorf("sales rep reads the coordinator's job: %v", r.Errors)
			}
			for _, tc := range []struct {
				who, token, path string
				status           int
			}{
				{"anonymous", "", "/export/registrants.csv", http.StatusUnauthorized},
				{"sales rep", sales, "/export/registrants.csv", http.StatusForbidden},
				{"registrant", reg, "/export/postings.csv", http.StatusForbidden},
				{"coordinator", coord, "/export/postings.csv", http.StatusForbidden},
				{"coordinator", coord, "/export/clients.csv", http.StatusNotFound},
				{"coordinator", coord, "/export/registrants.csv?encoding=latin1", http.StatusBadRequest},
			} {
				if status, _, body := download(t, srv.URL, tc.token, tc.path); status != tc.status {
					t.Errorf("%s GET %s: HTTP %d, want %d: %.200s", tc.who, tc.path, status, tc.status, body)
				}
			}
			status, ctype, body = download(t, srv.URL, sales, "/export/postings.csv?encoding=shift_jis")
			if status != http.StatusOK || ctype != "text/csv; charset=Shift_JIS" || bytes.HasPrefix(body, []byte("\ufeff")) {
				t.Errorf("sales rep's Shift_JIS postings export: HTTP %d %s", status, ctype)
			}
		})
	}
}
