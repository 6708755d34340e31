package persisted

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/example/staffcrm/internal/lang"
)

// The codes of refused persisted-document requests. They are request-level (nothing ran) and
// belong to the persisted-query wire protocols rather than to DESIGN §9's list, which is about
// what an operation did: client libraries act on them by name.
const (
	// CodeNotFound (APQ, no manifest): the hash is not known yet; Apollo's clients answer it by
	// sending the query with its hash, which registers it. gqlgen's and Apollo Server's code.
	CodeNotFound = "PERSISTED_QUERY_NOT_FOUND"
	// CodeNotInList (trusted documents): the id is not in the manifest. Retrying cannot help, so
	// it is neither CodeNotFound nor the message "PersistedQueryNotFound", which Apollo's link
	// would retry with the full query. Apollo Router's and GraphQL Yoga's code.
	CodeNotInList = "PERSISTED_QUERY_NOT_IN_LIST"
	// CodeIDRequired (trusted documents): the request sent query text, or no id. Apollo Router's
	// code with require_id, GraphQL Yoga's for a missing id.
	CodeIDRequired = "PERSISTED_QUERY_ID_REQUIRED"
	// CodeBadUserInput is DESIGN §9's code for a malformed persisted-query request: a hash that
	// does not match the query sent with it, an unsupported APQ version.
	CodeBadUserInput = "BAD_USER_INPUT"
)

// Documents is the gqlgen extension that resolves a request's document id to its text before
// parsing (it replaces extension.AutomaticPersistedQuery, whose errors carry no §9 code).
//
// Without Trusted (development, or production without TRUSTED_DOCUMENTS) it is APQ: an id with
// its query registers the query in Cache once the query's SHA-256 matches the id, and an id
// alone runs what was registered or answers CodeNotFound; requests without an id run as sent.
//
// With Trusted, a request runs only a document of the manifest, named by id: query text is
// refused (even text byte-identical to a listed document, as GraphQL Yoga's persisted operations
// do: one rule, and no text reaches the parser), so nothing can be registered either.
type Documents struct {
	Trusted *Manifest
	Cache   graphql.Cache[string] // APQ registrations; unused with Trusted
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = Documents{}

func (Documents) ExtensionName() string { return "PersistedDocuments" }

func (d Documents) Validate(graphql.ExecutableSchema) error {
	if d.Trusted == nil && d.Cache == nil {
		return errors.New("persisted.Documents: an APQ cache or a manifest is needed")
	}
	return nil
}

// MutateOperationParameters puts the named document into p.Query, or refuses the request.
func (d Documents) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash, named, err := requestedHash(ctx, p)
	if err != nil {
		return err
	}
	if d.Trusted != nil {
		if p.Query != "" || !named {
			return refuse(CodeIDRequired,
				"this server runs trusted documents only: send the document's id (documentId, or extensions.persistedQuery.sha256Hash) and no query",
				"このサーバーは登録済みの文書だけを実行します。query ではなく文書の ID（documentId または extensions.persistedQuery.sha256Hash）を送ってください。")
		}
		doc, ok := d.Trusted.Document(hash)
		if !ok {
			return refuse(CodeNotInList,
				"the document is not in this server's trusted documents: register the client's persisted-documents.json before deploying it",
				"この文書はサーバーに登録されていません。クライアントの persisted-documents.json を先に登録してください。")
		}
		p.Query = doc
		return nil
	}
	if !named {
		return nil
	}
	if p.Query == "" {
		doc, ok := d.Cache.Get(ctx, hash)
		if !ok {
			// The message is part of the protocol too (Apollo's link matches it): never translated.
			return refuse(CodeNotFound, "PersistedQueryNotFound", "")
		}
		p.Query = doc
		return nil
	}
	if hash == "" || Hash(p.Query) != hash {
		return refuse(CodeBadUserInput, "provided APQ hash does not match query: the id must be the SHA-256 of the query text sent",
			"送信されたハッシュがクエリと一致しません。ID はクエリ文字列の SHA-256 である必要があります。")
	}
	d.Cache.Add(ctx, hash, p.Query)
	return nil
}

type documentIDKey struct{}

// WithDocumentID records the request's documentId member (GraphQL-over-HTTP persisted documents),
// which gqlgen's RawParams has no field for; the transports call it.
func WithDocumentID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, documentIDKey{}, id)
}

// requestedHash is the hash the request names, "" when the id is not a SHA-256 one (it then
// matches nothing); named reports whether it names one at all.
func requestedHash(ctx context.Context, p *graphql.RawParams) (hash string, named bool, _ *gqlerror.Error) {
	var fromDocID string
	if id, ok := ctx.Value(documentIDKey{}).(string); ok {
		fromDocID, _ = HashOf(id)
		hash, named = fromDocID, true
	}
	raw, ok := p.Extensions["persistedQuery"]
	if !ok || raw == nil {
		return hash, named, nil
	}
	ext, ok := raw.(map[string]any)
	if !ok {
		return "", false, refuse(CodeBadUserInput, "extensions.persistedQuery must be an object with version and sha256Hash",
			"extensions.persistedQuery の形式が正しくありません。")
	}
	if !isOne(ext["version"]) {
		return "", false, refuse(CodeBadUserInput, "unsupported APQ version: extensions.persistedQuery.version must be 1",
			"extensions.persistedQuery.version は 1 のみ対応しています。")
	}
	s, ok := ext["sha256Hash"].(string)
	if !ok {
		return "", false, refuse(CodeBadUserInput, "extensions.persistedQuery.sha256Hash must be a string",
			"extensions.persistedQuery.sha256Hash は文字列で指定してください。")
	}
	h, _ := HashOf(s)
	if named && h != fromDocID {
		return "", false, refuse(CodeBadUserInput, "documentId and extensions.persistedQuery.sha256Hash name different documents",
			"documentId と extensions.persistedQuery.sha256Hash が異なる文書を指しています。")
	}
	return h, true, nil
}

func isOne(v any) bool {
	switch n := v.(type) {
	case json.Number:
		return n.String() == "1"
	case float64:
		return n == 1
	case int:
		return n == 1
	case int64:
		return n == 1
	}
	return false
}

// Error is a refused persisted-document request: its code, the English message and, for the
// errors people act on, the Japanese sentence (DESIGN §9's convention: the English goes to
// extensions.detail when the reader gets Japanese).
type Error struct {
	Code string
	en   string
	ja   string
}

func (e *Error) Error() string { return e.en }

func refuse(code, en, ja string) *gqlerror.Error {
	return &gqlerror.Error{Message: en, Err: &Error{Code: code, en: en, ja: ja}, Extensions: map[string]any{"code": code}}
}

// Presenter presents this package's errors with their own codes and hands every other error to
// next (graph.ErrorPresenter, which maps anything outside §9's list to INTERNAL).
func Presenter(next graphql.ErrorPresenterFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var pe *Error
		if !errors.As(err, &pe) {
			return next(ctx, err)
		}
		out := &gqlerror.Error{Message: pe.en, Err: err, Extensions: map[string]any{"code": pe.Code}}
		if pe.ja != "" && lang.From(ctx) == lang.Japanese {
			out.Message = pe.ja
			out.Extensions["detail"] = pe.en
		}
		return out
	}
}
