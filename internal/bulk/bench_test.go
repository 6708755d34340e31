package bulk_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/importjob"
	"github.com/example/staffcrm/internal/dbtest"
)

// BenchmarkImport10kRegistrants: a file of 10,000 new registrants, each with two skills and one
// work-history entry, imported by a coordinator (the demo agency seeded), on each store — all or
// nothing (one transaction) and valid rows (a transaction per 500 rows) — and the same file again
// (every row unchanged, nothing written). The goal is under 30 s; run with -benchtime=1x:
//
//	TEST_DATABASE_URL=postgres://… go test ./internal/bulk -run '^$' -bench Import10k -benchtime=1x
func BenchmarkImport10kRegistrants(b *testing.B) {
	const rows = 10_000
	for _, kind := range dbtest.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			f := newFixture(b, kind)
			run := func(b *testing.B, mode importjob.Mode, text string) {
				start := time.Now()
				j := f.importText(b, f.coord, importjob.KindREGISTRANTS, mode, text)
				if j.Status != importjob.StatusDONE || j.Failed != 0 || j.Imported+j.Updated+j.Unchanged != rows {
					b.Fatalf("%s: imported=%d updated=%d unchanged=%d failed=%d %v", j.Status, j.Imported, j.Updated, j.Unchanged, j.Failed, j.Errors[:min(3, len(j.Errors))])
				}
				b.ReportMetric(time.Since(start).Seconds(), "s/import")
			}
			n := 0
			for _, mode := range []importjob.Mode{importjob.ModeALL_OR_NOTHING, importjob.ModeVALID_ROWS} {
				b.Run("new/"+string(mode), func(b *testing.B) {
					for b.Loop() {
						b.StopTimer()
						n++
						text := regFile(fmt.Sprintf("bench%d", n), rows, nil)
						b.StartTimer()
						run(b, mode, text)
					}
				})
			}
			b.Run("unchanged", func(b *testing.B) {
				text := regFile("bench1", rows, nil) // imported by the first run above
				for b.Loop() {
					run(b, importjob.ModeALL_OR_NOTHING, text)
				}
			})
		})
	}
}
