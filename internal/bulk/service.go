// Package bulk imports and exports registrants (with their skills and work history) and postings as
// CSV files (graph/api/bulk.graphql documents the format; README "Bulk import and export").
//
// An import is a job (ent ImportJob): Start checks the viewer may import the kind, records the job
// and answers it at once; a goroutine then reads the file (encoding detection: decode.go), checks
// every row (the ent field validators and the rules of the single-row API: registrants.CheckSkills,
// registrants.CheckWorkHistory, ownership of postings), compares the rows with what is stored (one
// query per 1000 keys) and writes what differs, as the viewer, through the ent hooks (minimum wage,
// the webhook outbox): new rows with CreateBulk in chunks, changed ones with UpdateOne, unchanged ones
// not at all. A row the hooks or the database refuse at write time becomes a report line too: a
// batch that fails is rolled back and its rows written one by one, each in a transaction of its own.
//
// ALL_OR_NOTHING writes the whole file in one transaction, and only if no row was refused (a batch
// refused at write time rolls it back; the rows at fault are then found in transactions that are
// always rolled back); VALID_ROWS writes batch by batch, each in its own transaction, skipping
// refused rows. The job's
// counts (total, done, imported, updated, unchanged, failed) are stored after every step that runs
// outside a transaction (after reading, after each VALID_ROWS batch, at the end) and kept live in
// this process in between; a progress event (ids only) goes to the notify bus after each, so
// importJobProgress subscribers re-read under their own privacy.
//
// Scope (decided here, enforced by each method before anything is read or written): registrants are
// imported and exported by admins and coordinators (the roles that edit registrants); postings by
// admins and sales reps, a sales rep only postings of which they are the account rep (the posting
// policy lets them write nothing else). Jobs are read by admins (the agency's) and by whoever started
// them. The job row itself is written only here, through System (its policy denies every viewer).
package bulk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/importjob"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk/report"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/notify"
)

var (
	// ErrRegistrantsScope: only admins and coordinators import and export registrants.
	ErrRegistrantsScope = errors.New("only admins and coordinators import or export registrants")
	// ErrPostingsScope: only admins and sales reps import and export postings.
	ErrPostingsScope = errors.New("only admins and sales reps import or export postings")
	// ErrStaffOnly: imports are staff work.
	ErrStaffOnly = errors.New("only staff see imports")
	// ErrNotFound: no import the viewer may see has this id.
	ErrNotFound = errors.New("not found")
)

// TopicProgress is the notify topic of import progress: EntityID is the job.
const TopicProgress = "import.progress"

// Limits of one import.
const (
	// MaxFileBytes bounds an uploaded file (10,000 registrants with skills and history are ~3 MB).
	MaxFileBytes = 32 << 20
	// MaxRows bounds the data rows of one file.
	MaxRows = 100_000
	// maxStoredErrors bounds the report kept with the job (failed counts every refused row).
	maxStoredErrors = 1000
	// maxRunning is how many imports one process runs at once; later ones wait QUEUED.
	maxRunning = 2
)

// Request is one import: of what, how, and the file (an upload or the text itself).
type Request struct {
	Kind     importjob.Kind
	Mode     importjob.Mode // "" = ALL_OR_NOTHING
	Encoding Encoding       // how to read a file that is neither BOM-marked nor valid UTF-8
	FileName string         // shown for the file ("": UploadName)
	File     io.Reader      // the uploaded file, or
	Text     *string        // the CSV text
	// UploadName is the upload's own file name.
	UploadName string
}

// Service runs imports and exports as the viewer in ctx. The zero value with a Client works (no
// progress events, Progress polls); set the bus for live progress across processes.
type Service struct {
	Client *ent.Client
	// Publisher receives a progress event after every step of a job (nil: none).
	Publisher notify.Publisher
	// Subscriber feeds Progress (nil: Progress re-reads every second).
	Subscriber notify.Subscriber
	// Alive, when set, is asked before each update Progress sends: an error (the subscriber's
	// session ended) ends the stream.
	Alive func(context.Context) error
	// Now is the clock (nil: time.Now): work history cannot start after today.
	Now func() time.Time
	// BatchRows is the rows of one batch (savepoint; a VALID_ROWS transaction); 0 takes 500.
	BatchRows int
	// Log receives the detail of a job that failed on a server error (nil: slog.Default()).
	Log *slog.Logger

	once  sync.Once
	wg    sync.WaitGroup
	slots chan struct{}
	mu    sync.Mutex
	live  map[int]*job // the jobs this process runs
}

func (s *Service) init() {
	s.once.Do(func() {
		s.slots = make(chan struct{}, maxRunning)
		s.live = map[int]*job{}
	})
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) batchRows() int {
	if s.BatchRows > 0 {
		return s.BatchRows
	}
	return 500
}

// authorize returns the viewer if it may import and export kind.
func authorize(ctx context.Context, kind importjob.Kind) (*auth.Viewer, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, access.ErrNoViewer
	}
	switch kind {
	case importjob.KindREGISTRANTS:
		if v.Role != auth.RoleAdmin && v.Role != auth.RoleCoordinator {
			return nil, ErrRegistrantsScope
		}
	case importjob.KindPOSTINGS:
		if v.Role != auth.RoleAdmin && v.Role != auth.RoleSalesRep {
			return nil, ErrPostingsScope
		}
		if v.Role == auth.RoleSalesRep && v.ProfileID <= 0 {
			return nil, access.ErrNoProfile
		}
	default:
		return nil, invalid.Field("kind", "REGISTRANTS or POSTINGS")
	}
	return v, nil
}

// Start records an import and runs it in the background, answering the job (QUEUED) at once. The
// file is read before Start returns (an upload does not outlive its request); the job runs as the
// viewer, in a context of its own that the request's end does not cancel. Wait waits for it.
func (s *Service) Start(ctx context.Context, req Request) (*ent.ImportJob, error) {
	j, data, err := s.prepare(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", strings.ToLower(string(req.Kind)), err)
	}
	queued := j.snapshot()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.slots <- struct{}{}
		defer func() { <-s.slots }()
		j.run(data)
	}()
	return queued, nil
}

// Import is Start for a caller that waits (a command, a job): it runs the import in the caller's
// goroutine and answers the finished job.
func (s *Service) Import(ctx context.Context, req Request) (*ent.ImportJob, error) {
	j, data, err := s.prepare(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", strings.ToLower(string(req.Kind)), err)
	}
	j.run(data)
	return j.snapshot(), nil
}

// Wait blocks until every import started by Start has finished.
func (s *Service) Wait() { s.wg.Wait() }

func (s *Service) prepare(ctx context.Context, req Request) (*job, []byte, error) {
	s.init()
	v, err := authorize(ctx, req.Kind)
	if err != nil {
		return nil, nil, err
	}
	if req.Mode == "" {
		req.Mode = importjob.ModeALL_OR_NOTHING
	}
	if importjob.ModeValidator(req.Mode) != nil {
		return nil, nil, invalid.Field("mode", "ALL_OR_NOTHING or VALID_ROWS")
	}
	switch req.Encoding {
	case EncodingDefault, EncodingUTF8, EncodingShiftJIS:
	default:
		return nil, nil, invalid.Field("encoding", "UTF8 or SHIFT_JIS")
	}
	var data []byte
	switch {
	case req.File != nil && req.Text != nil:
		return nil, nil, invalid.Field("file", "give the file or csv, not both")
	case req.File != nil:
		if data, err = io.ReadAll(io.LimitReader(req.File, MaxFileBytes+1)); err != nil {
			return nil, nil, fmt.Errorf("read the upload: %w", err)
		}
	case req.Text != nil:
		data = []byte(*req.Text)
	default:
		return nil, nil, invalid.Field("file", "required: upload the file or give csv")
	}
	if len(data) > MaxFileBytes {
		return nil, nil, invalid.Field("file", "larger than %d MiB: split the file", MaxFileBytes>>20)
	}
	name := strings.TrimSpace(req.FileName)
	if name == "" {
		name = strings.TrimSpace(req.UploadName)
	}
	if !utf8.ValidString(name) || strings.IndexByte(name, 0) >= 0 {
		name = ""
	}
	if r := []rune(name); len(r) > 255 {
		name = string(r[:255])
	}
	// The viewer may import this kind (checked above); no viewer writes job rows.
	row, err := s.Client.ImportJob.Create().SetAgencyID(v.AgencyID).SetAccountID(v.AccountID).SetKind(req.Kind).
		SetMode(req.Mode).SetFileName(name).Save(access.System(ctx, "bulk: record the import the viewer starts"))
	if err != nil {
		return nil, nil, fmt.Errorf("record the job: %w", err)
	}
	j := &job{s: s, viewer: v, ctx: auth.WithViewer(context.Background(), v), enc: req.Encoding, row: row,
		lines: map[int]bool{}}
	s.mu.Lock()
	s.live[row.ID] = j
	s.mu.Unlock()
	return j, data, nil
}

// Job answers an import the viewer may see: admins any of the agency's, other staff their own.
func (s *Service) Job(ctx context.Context, id int) (*ent.ImportJob, error) {
	if err := staffOnly(ctx); err != nil {
		return nil, fmt.Errorf("import job: %w", err)
	}
	row, err := s.Client.ImportJob.Query().Where(importjob.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("import job: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("import job: %w", err)
	}
	return s.overlay(row), nil
}

// Jobs answers the imports the viewer may see, newest first (limit 20 by default, at most 100).
func (s *Service) Jobs(ctx context.Context, kind *importjob.Kind, limit int) ([]*ent.ImportJob, error) {
	if err := staffOnly(ctx); err != nil {
		return nil, fmt.Errorf("import jobs: %w", err)
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	q := s.Client.ImportJob.Query()
	if kind != nil {
		q = q.Where(importjob.KindEQ(*kind))
	}
	rows, err := q.Order(ent.Desc(importjob.FieldCreatedAt), ent.Desc(importjob.FieldID)).Limit(limit).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("import jobs: %w", err)
	}
	for i, r := range rows {
		rows[i] = s.overlay(r)
	}
	return rows, nil
}

func staffOnly(ctx context.Context) error {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return access.ErrNoViewer
	}
	if v.Role != auth.RoleAdmin && v.Role != auth.RoleCoordinator && v.Role != auth.RoleSalesRep {
		return ErrStaffOnly
	}
	return nil
}

// overlay answers the live state of a job this process runs (read under the viewer's privacy first:
// row is that read), whose stored counts lag while a transaction is open.
func (s *Service) overlay(row *ent.ImportJob) *ent.ImportJob {
	s.mu.Lock()
	j := s.live[row.ID]
	s.mu.Unlock()
	if j == nil {
		return row
	}
	return j.snapshot()
}

// Progress streams an import's state: now, then after every step, until it is DONE or FAILED (the
// channel is then closed), ctx ends, or Alive refuses. Each state is read again under the viewer's
// privacy; events carry only the job's id.
func (s *Service) Progress(ctx context.Context, id int) (<-chan *ent.ImportJob, error) {
	var events <-chan notify.Event
	if s.Subscriber != nil {
		v, ok := auth.ViewerFrom(ctx)
		if !ok {
			return nil, fmt.Errorf("import progress: %w", access.ErrNoViewer)
		}
		var err error
		events, err = s.Subscriber.Subscribe(ctx, func(ev notify.Event) bool {
			return ev.Topic == TopicProgress && ev.AgencyID == v.AgencyID && ev.EntityID == id
		})
		if err != nil {
			return nil, fmt.Errorf("import progress: %w", err)
		}
	}
	first, err := s.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make(chan *ent.ImportJob, 1)
	go func() {
		defer close(out)
		send := func(j *ent.ImportJob) bool {
			select {
			case out <- j:
				return !finished(j.Status)
			case <-ctx.Done():
				return false
			}
		}
		if !send(first) {
			return
		}
		last := first
		// The bus is best effort (a lost event, another process's job): re-read now and then anyway.
		every := time.Second
		if events != nil {
			every = 5 * time.Second
		}
		notify.Wake(ctx, events, every, func() bool {
			if s.Alive != nil && s.Alive(ctx) != nil {
				return false
			}
			j, err := s.Job(ctx, id)
			if err != nil {
				return false
			}
			if j.Status == last.Status && j.Done == last.Done && j.Total == last.Total {
				return true
			}
			last = j
			return send(j)
		})
	}()
	return out, nil
}

func finished(st importjob.Status) bool {
	return st == importjob.StatusDONE || st == importjob.StatusFAILED
}

// ---- one job ------------------------------------------------------------------------------------

// job is a running import: its row and its live counts.
type job struct {
	s      *Service
	viewer *auth.Viewer
	ctx    context.Context // the viewer's, not the request's
	enc    Encoding

	// fold is how the file's encoding shows a stored text (nil: as is); see equal.
	fold func(string) string

	mu    sync.Mutex
	row   *ent.ImportJob // the state; errors in full (capped when stored)
	lines map[int]bool   // refused lines: failed counts rows, not cells
}

// same reports whether a stored text (a canonical list) is what the file says.
func (j *job) same(stored, file string) bool {
	return stored == file || (j.fold != nil && j.fold(stored) == file)
}

// snapshot is a copy of the live state (errors capped as stored).
func (j *job) snapshot() *ent.ImportJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := *j.row
	c.Errors = slices.Clone(j.row.Errors[:min(len(j.row.Errors), maxStoredErrors)])
	return &c
}

// refuse reports lines (sorted into the report at the end) and counts their rows as refused.
func (j *job) refuse(lines ...report.Line) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, l := range lines {
		j.row.Errors = append(j.row.Errors, l)
		if !j.lines[l.Line] {
			j.lines[l.Line] = true
			j.row.Failed++
			j.row.Done++
		}
	}
}

// update changes the live state.
func (j *job) update(f func(r *ent.ImportJob)) {
	j.mu.Lock()
	f(j.row)
	j.mu.Unlock()
}

// save stores the live state and tells subscribers. Called only while no transaction of the job is
// open: the embedded store has one writer at a time.
func (j *job) save() error {
	if err := j.store(); err != nil {
		return err
	}
	j.publish()
	return nil
}

func (j *job) store() error {
	r := j.snapshot()
	slices.SortStableFunc(r.Errors, func(a, b report.Line) int { return a.Line - b.Line })
	// The job row is no viewer's to write (its policy); this job's viewer started it.
	err := j.s.Client.ImportJob.UpdateOneID(r.ID).SetStatus(r.Status).SetEncoding(r.Encoding).SetTotal(r.Total).
		SetDone(r.Done).SetImported(r.Imported).SetUpdated(r.Updated).SetUnchanged(r.Unchanged).SetFailed(r.Failed).
		SetErrors(r.Errors).SetMessage(r.Message).SetNillableStartedAt(r.StartedAt).SetNillableFinishedAt(r.FinishedAt).
		Exec(access.System(j.ctx, "bulk: store the progress of the viewer's import"))
	if err != nil {
		return fmt.Errorf("store import progress: %w", err)
	}
	return nil
}

func (j *job) publish() {
	if j.s.Publisher == nil {
		return
	}
	// Best effort, like every live update: a subscriber re-reads now and then anyway.
	_ = j.s.Publisher.Publish(j.ctx, notify.Event{Topic: TopicProgress, AgencyID: j.viewer.AgencyID,
		EntityID: j.row.ID, AccountIDs: []int{j.viewer.AccountID}})
}

// fileProblem refuses the file as a whole (header, encoding): nothing is read further.
type fileProblem struct{ lines []report.Line }

func (e *fileProblem) Error() string { return "the file was refused: " + e.lines[0].Reason }

func fileError(lines []report.Line) error { return &fileProblem{lines: lines} }

// run reads, checks and writes the file, and stores the outcome. It never returns an error: a
// failure is the job's FAILED state, with the reason in its message (internal detail stays out).
func (j *job) run(data []byte) {
	defer j.finish()
	defer func() {
		if p := recover(); p != nil {
			j.fail(fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()
	now := j.s.now()
	j.update(func(r *ent.ImportJob) { r.Status, r.StartedAt = importjob.StatusRUNNING, &now })
	if err := j.save(); err != nil {
		j.fail(err)
		return
	}
	if err := j.work(data); err != nil {
		j.fail(err)
	}
}

func (j *job) work(data []byte) error {
	text, used, err := Decode(data, j.enc)
	if err != nil {
		j.refuseFile(report.Line{Line: lineOf(err), Reason: err.Error()})
		return nil
	}
	t, bad := readCSV(text, MaxRows)
	if bad != nil {
		j.update(func(r *ent.ImportJob) { r.Encoding = used })
		j.refuseFile(*bad)
		return nil
	}
	j.update(func(r *ent.ImportJob) { r.Encoding, r.Total = used, len(t.rows)+len(t.bad) })
	if used == readSJIS {
		j.fold = sjisFold
	}
	j.refuse(t.bad...)
	var w writer
	var unchanged int
	switch j.row.Kind {
	case importjob.KindREGISTRANTS:
		ops, same, perr := j.planRegistrants(j.ctx, t)
		unchanged, err = same, perr
		w = writer{n: len(ops), line: func(i int) int { return ops[i].line }, created: func(i int) bool { return ops[i].id == 0 },
			write: func(ctx context.Context, tx *ent.Tx, idx []int) error {
				return writeRegistrants(ctx, tx, pick(ops, idx))
			}}
	case importjob.KindPOSTINGS:
		ops, same, perr := j.planPostings(j.ctx, t)
		unchanged, err = same, perr
		w = writer{n: len(ops), line: func(i int) int { return ops[i].line }, created: func(i int) bool { return ops[i].id == 0 },
			write: func(ctx context.Context, tx *ent.Tx, idx []int) error {
				return writePostings(ctx, tx, pick(ops, idx))
			}}
	}
	var fp *fileProblem
	if errors.As(err, &fp) {
		j.refuseFile(fp.lines...)
		return nil
	}
	if err != nil {
		return err
	}
	j.update(func(r *ent.ImportJob) { r.Unchanged = unchanged; r.Done += unchanged })
	if err := j.save(); err != nil {
		return err
	}
	if j.row.Mode == importjob.ModeALL_OR_NOTHING {
		if j.failedRows() > 0 {
			j.update(func(r *ent.ImportJob) {
				r.Status = importjob.StatusFAILED
				r.Message = fmt.Sprintf("%d of %d rows were refused: nothing was imported (ALL_OR_NOTHING); fix them and import the file again, or import the valid rows (VALID_ROWS)", r.Failed, r.Total)
				r.Done = r.Total
			})
			return nil
		}
		return j.writeAll(w)
	}
	return j.writeValid(w)
}

func pick[T any](xs []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = xs[i]
	}
	return out
}

func lineOf(err error) int {
	var d *DecodeError
	if errors.As(err, &d) {
		return d.Line
	}
	return 1
}

func (j *job) failedRows() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.row.Failed
}

// refuseFile ends the job FAILED for a problem of the file as a whole.
func (j *job) refuseFile(lines ...report.Line) {
	j.mu.Lock()
	j.row.Errors = append(j.row.Errors, lines...)
	j.row.Status = importjob.StatusFAILED
	j.row.Message = "the file was refused as a whole: " + lines[0].Reason
	j.mu.Unlock()
}

// fail ends the job FAILED for an error of the server, whose detail is not the viewer's to read
// (it is logged).
func (j *job) fail(err error) {
	j.update(func(r *ent.ImportJob) {
		r.Status = importjob.StatusFAILED
		if r.Mode == importjob.ModeALL_OR_NOTHING {
			r.Imported, r.Updated = 0, 0
			r.Message = "the import stopped on a server error: nothing was imported; import the file again"
		} else {
			r.Message = "the import stopped on a server error: the batches counted as imported or updated were written; importing the file again continues where it stopped"
		}
	})
	j.log(err)
}

func (j *job) log(err error) {
	l := j.s.Log
	if l == nil {
		l = slog.Default()
	}
	l.ErrorContext(j.ctx, "bulk import failed", "job", j.row.ID, "kind", j.row.Kind, "err", err)
}

// finish stores the final state (DONE unless something decided otherwise) and retires the live
// state.
func (j *job) finish() {
	now := j.s.now()
	j.update(func(r *ent.ImportJob) {
		if r.Status == importjob.StatusRUNNING || r.Status == importjob.StatusQUEUED {
			r.Status = importjob.StatusDONE
			r.Message = fmt.Sprintf("%d imported, %d updated, %d unchanged, %d refused", r.Imported, r.Updated, r.Unchanged, r.Failed)
		}
		r.FinishedAt = &now
	})
	err := j.store()
	j.s.mu.Lock()
	delete(j.s.live, j.row.ID)
	j.s.mu.Unlock()
	if err != nil {
		j.log(err)
	}
	j.publish()
}

// ---- writing ------------------------------------------------------------------------------------

// writer writes a kind's planned rows, by index: n rows; write writes a set of them in tx.
type writer struct {
	n       int
	line    func(i int) int
	created func(i int) bool
	write   func(ctx context.Context, tx *ent.Tx, idx []int) error
}

// batchFailed stops the ALL_OR_NOTHING transaction at the batch a write refused.
type batchFailed struct {
	at  int // the batch
	err error
}

func (e *batchFailed) Error() string { return e.err.Error() }
func (e *batchFailed) Unwrap() error { return e.err }

// writeAll writes every row in one transaction. If a batch is refused the transaction is rolled
// back — ALL_OR_NOTHING imports nothing then — and the rows the write refuses are found by trying
// that batch and the later ones again in transactions that are always rolled back.
func (j *job) writeAll(w writer) error {
	batches := chunks(indexes(w.n), j.s.batchRows())
	var imported, updated int
	err := dbtx.WithTx(j.ctx, j.s.Client, func(tx *ent.Tx) error {
		for b, idx := range batches {
			if err := w.write(j.ctx, tx, idx); err != nil {
				return &batchFailed{at: b, err: err}
			}
			im, up := w.count(idx)
			imported, updated = imported+im, updated+up
			j.update(func(r *ent.ImportJob) { r.Done += im + up })
			j.publish()
		}
		return nil
	})
	var failed *batchFailed
	if !errors.As(err, &failed) {
		if err != nil {
			return err
		}
		j.update(func(r *ent.ImportJob) { r.Imported, r.Updated = imported, updated })
		return nil
	}
	j.update(func(r *ent.ImportJob) { r.Done = r.Failed + r.Unchanged })
	for _, idx := range batches[failed.at:] {
		if err := j.find(w, idx, false); err != nil {
			return err
		}
		j.publish()
	}
	j.update(func(r *ent.ImportJob) {
		r.Status = importjob.StatusFAILED
		r.Message = fmt.Sprintf("%d of %d rows were refused when written: nothing was imported (ALL_OR_NOTHING)", r.Failed, r.Total)
		r.Done = r.Total
	})
	return nil
}

// writeValid writes the rows batch by batch, each in its own transaction, storing the progress after
// each; in a batch the write refuses, every row is written in a transaction of its own, and the
// refused ones are reported.
func (j *job) writeValid(w writer) error {
	for _, idx := range chunks(indexes(w.n), j.s.batchRows()) {
		err := dbtx.WithTx(j.ctx, j.s.Client, func(tx *ent.Tx) error { return w.write(j.ctx, tx, idx) })
		if err == nil {
			im, up := w.count(idx)
			j.update(func(r *ent.ImportJob) { r.Imported += im; r.Updated += up; r.Done += im + up })
		} else if err := j.find(w, idx, true); err != nil {
			return err
		}
		if err := j.save(); err != nil {
			return err
		}
	}
	return nil
}

// errProbe rolls back a transaction that only tried whether rows can be written.
var errProbe = errors.New("probe: roll back")

// find writes the rows idx one by one, each in a transaction of its own — committed when keep
// (VALID_ROWS), rolled back otherwise — and reports the rows the hooks or the database refuse. An
// error is one no row explains (the database went away).
func (j *job) find(w writer, idx []int, keep bool) error {
	if !keep {
		// Most batches of a refused file are fine: try the batch whole first.
		err := dbtx.WithTx(j.ctx, j.s.Client, func(tx *ent.Tx) error {
			if err := w.write(j.ctx, tx, idx); err != nil {
				return err
			}
			return errProbe
		})
		if errors.Is(err, errProbe) {
			j.update(func(r *ent.ImportJob) { r.Done += len(idx) })
			return nil
		}
	}
	for _, i := range idx {
		err := dbtx.WithTx(j.ctx, j.s.Client, func(tx *ent.Tx) error {
			if err := w.write(j.ctx, tx, []int{i}); err != nil {
				return err
			}
			if !keep {
				return errProbe
			}
			return nil
		})
		switch {
		case err == nil:
			im, up := w.count([]int{i})
			j.update(func(r *ent.ImportJob) { r.Imported += im; r.Updated += up; r.Done += im + up })
			continue
		case errors.Is(err, errProbe):
			j.update(func(r *ent.ImportJob) { r.Done++ })
			continue
		}
		line, ok := rowError(err)
		if !ok {
			return err
		}
		line.Line = w.line(i)
		j.refuse(line)
	}
	return nil
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// count answers how many of the rows idx are new and how many updates.
func (w writer) count(idx []int) (imported, updated int) {
	for _, i := range idx {
		if w.created(i) {
			imported++
		} else {
			updated++
		}
	}
	return imported, updated
}
