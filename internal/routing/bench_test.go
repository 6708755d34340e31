package routing_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/routing"
)

// BenchmarkRoutingThroughput: inquiries created and routed per second with 32 concurrent callers on
// PostgreSQL, across both modes (each call is one transaction: lock registrant, checks, insert,
// decide, claim capacity, assign, record the decision).
//
//	go test ./internal/routing/ -run '^$' -bench RoutingThroughput -benchtime 3000x
func BenchmarkRoutingThroughput(b *testing.B) {
	url := dbtest.ScratchPostgres(b)
	db, err := database.Open(context.Background(), database.Config{URL: url, MaxOpenConns: 40})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), quiet()); err != nil {
		b.Fatal(err)
	}
	worlds := []*world{
		newWorld(b, db.Client, true, "bench-coord", agency.RoutingModeCOORDINATOR, 5, 3, 1000, 400),
		newWorld(b, db.Client, true, "bench-direct", agency.RoutingModeDIRECT, 0, 5, 1000, 400),
	}
	for _, w := range worlds {
		db.Client.Agency.UpdateOne(w.agency).SetInquiryRateLimit(1000).ExecX(sysCtx)
	}
	router := routing.NewRouter(db.Client, true, nil)
	var n atomic.Int64
	b.SetParallelism(16) // × GOMAXPROCS 2 = 32 callers
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			w := worlds[i%2]
			in := routing.NewInquiry{AgencyID: w.agency.ID, RegistrantID: w.reg[(i/2)%len(w.reg)].ID,
				Kind: inquiry.KindGENERAL, Channel: inquiry.ChannelAPP, Origin: inquiry.OriginREGISTRANT}
			if _, err := router.Create(sysCtx, in); err != nil { // a trusted caller, as the next-job job is
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "inquiries/s")
}
