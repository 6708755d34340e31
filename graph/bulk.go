package graph

import (
	"context"

	"github.com/example/staffcrm/ent/importjob"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/bulk"
	"github.com/example/staffcrm/internal/notify"
)

// bulk is the import service, shared by every request so the imports it runs in the background can
// be waited for and their live progress read.
func (r *Resolver) bulk() *bulk.Service {
	r.bulkOnce.Do(func() {
		if r.Bulk == nil {
			pub, _ := r.Bus.(notify.Publisher)
			r.Bulk = &bulk.Service{Client: r.Client, Publisher: pub, Subscriber: r.Bus}
		}
		if r.Bulk.Alive == nil && r.Sessions != nil {
			r.Bulk.Alive = func(ctx context.Context) error {
				_, err := r.Sessions.Viewer(ctx)
				return err
			}
		}
	})
	return r.Bulk
}

// importRequest is the service's request for an import mutation's input.
func importRequest(kind importjob.Kind, in model.ImportCSVInput) bulk.Request {
	req := bulk.Request{Kind: kind, Text: in.CSV}
	if in.File != nil {
		req.File, req.UploadName = in.File.File, in.File.Filename
	}
	if in.FileName != nil {
		req.FileName = *in.FileName
	}
	if in.Mode != nil {
		req.Mode = *in.Mode
	}
	if in.Encoding != nil {
		req.Encoding = *in.Encoding
	}
	return req
}
