package bulk

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/importjob"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/skill"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/audit"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/invalid"
)

// exportPage is the rows one export query reads (with their skills and work history).
const exportPage = 500

// Export writes the kind's rows the viewer may export to w, in the import format (a header row,
// then one row a registrant or posting, by id): UTF-8 with a BOM, or Shift_JIS (characters it lacks
// written as "?"). Registrants: admins and coordinators, every registrant of the agency but those
// who deleted their account. Postings: admins every posting of the agency, a sales rep theirs; bill
// rates written are audited like bill rates read through the API. Nothing is written to w before
// the viewer's scope has been checked, so an error without output may still be answered as one.
func (s *Service) Export(ctx context.Context, kind importjob.Kind, enc Encoding, w io.Writer) error {
	v, err := authorize(ctx, kind)
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, err)
	}
	var out io.Writer
	var sjis *transform.Writer
	switch enc {
	case EncodingDefault, EncodingUTF8:
		out = w
	case EncodingShiftJIS:
		sjis = transform.NewWriter(w, questionMarks{japanese.ShiftJIS.NewEncoder()})
		out = sjis
	default:
		return invalid.Field("encoding", "UTF8 or SHIFT_JIS")
	}
	buf := bufio.NewWriterSize(out, 64<<10)
	if enc != EncodingShiftJIS {
		if _, err := buf.Write(bom); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(buf)
	cw.UseCRLF = true // what Excel writes and expects
	switch kind {
	case importjob.KindREGISTRANTS:
		err = s.exportRegistrants(ctx, cw)
	default:
		err = s.exportPostings(ctx, v, cw)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := buf.Flush(); err != nil {
		return err
	}
	if sjis != nil {
		return sjis.Close()
	}
	return nil
}

// questionMarks is a Shift_JIS encoder writing "?" for a character Shift_JIS lacks (x/text's own
// replacement is the control character SUB, which Excel shows as nothing).
type questionMarks struct{ t transform.Transformer }

func (q questionMarks) Reset() { q.t.Reset() }

func (q questionMarks) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for {
		d, n, err := q.t.Transform(dst[nDst:], src[nSrc:], atEOF)
		nDst, nSrc = nDst+d, nSrc+n
		if err == nil || errors.Is(err, transform.ErrShortDst) || errors.Is(err, transform.ErrShortSrc) {
			return nDst, nSrc, err
		}
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		_, size := utf8.DecodeRune(src[nSrc:])
		dst[nDst] = '?'
		nDst, nSrc = nDst+1, nSrc+size
	}
}

func (s *Service) exportRegistrants(ctx context.Context, cw *csv.Writer) error {
	if err := cw.Write(RegistrantHeader()); err != nil {
		return err
	}
	after := 0
	for {
		page, err := s.Client.Registrant.Query().Where(registrant.IDGT(after), registrant.AnonymizedAtIsNil()).
			Order(ent.Asc(registrant.FieldID)).Limit(exportPage).
			WithSkills(func(q *ent.SkillQuery) { q.Order(ent.Asc(skill.FieldID)) }).
			WithWorkHistories(func(q *ent.WorkHistoryQuery) { q.Order(ent.Asc(workhistory.FieldID)) }).All(ctx)
		if err != nil {
			return err
		}
		for _, r := range page {
			rec := make([]string, 0, len(registrantColumns)+4)
			rec = append(rec, format(r.ExternalKey), fmt.Sprint(r.ID))
			for _, c := range registrantColumns {
				rec = append(rec, format(c.get(*r)))
			}
			rec = append(rec, canonicalSkills(storedSkills(r.Edges.Skills)), canonicalHistory(storedHistory(r.Edges.WorkHistories)))
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		if len(page) < exportPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (s *Service) exportPostings(ctx context.Context, v *auth.Viewer, cw *csv.Writer) error {
	if err := cw.Write(PostingHeader()); err != nil {
		return err
	}
	after := 0
	for {
		q := s.Client.Posting.Query().Where(posting.IDGT(after))
		if v.Role == auth.RoleSalesRep {
			q = q.Where(posting.AccountRepID(v.ProfileID))
		}
		page, err := q.Order(ent.Asc(posting.FieldID)).Limit(exportPage).All(ctx)
		if err != nil {
			return err
		}
		reads := audit.NewReads()
		for _, p := range page {
			rec := make([]string, 0, len(postingColumns)+2)
			rec = append(rec, format(p.ExternalKey), fmt.Sprint(p.ID))
			for _, c := range postingColumns {
				rec = append(rec, format(c.get(*p)))
			}
			if p.BillRate != nil {
				reads.Record("Posting", "billRate", p.ID)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		if err := reads.Flush(ctx, s.Client); err != nil {
			return err
		}
		if len(page) < exportPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}
